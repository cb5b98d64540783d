"""Texts about officials' accounts shared by the panel and the CLI: the password rule."""

MESSAGES = {
    "password.too_short": {"id": "Kata sandi minimal {n} karakter.",
                           "en": "The password needs at least {n} characters."},
    "password.too_long": {"id": "Kata sandi paling panjang {n} karakter.",
                          "en": "The password may have at most {n} characters."},
    "password.unusable_characters": {
        "id": "Kata sandi berisi karakter yang tidak dapat diketik (misalnya baris baru atau karakter kendali).",
        "en": "The password has characters that cannot be typed (such as a line break or a control character)."},
    "password.common": {
        "id": "Kata sandi ini termasuk yang paling sering dipakai orang, sehingga mudah ditebak. "
              "Pilih yang lain, misalnya beberapa kata acak yang digabung.",
        "en": "This password is one of the most commonly used, so it is easy to guess. "
              "Choose another, for example several random words together."},
    "password.personal": {
        "id": "Kata sandi ini mudah ditebak dari nama pengguna, nama, atau nama aplikasi/daerah. "
              "Pilih yang tidak berhubungan dengan akun.",
        "en": "This password is easy to guess from the username, the name, or the application's or "
              "regency's name. Choose one unrelated to the account."},
    "password.guessable": {
        "id": "Kata sandi ini mudah ditebak (kata umum, nama, tanggal, urutan, pola papan ketik atau "
              "pengulangan). Tambahkan kata atau karakter yang tidak terduga.",
        "en": "This password is easy to guess (common words, names, dates, sequences, keyboard patterns "
              "or repeats). Add unexpected words or characters."},
}
