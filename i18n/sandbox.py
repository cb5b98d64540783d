"""Texts of the sandbox chat page (`python -m sandbox`), Indonesian first, English second.

The page fetches them from /api/strings; `{name}` placeholders are filled in by the page.
"""

MESSAGES = {
    "sandbox.tagline": {
        "id": "Telegram tiruan di komputer Anda: bicara dengan bot Wadul yang asli tanpa Telegram.",
        "en": "A stand-in Telegram on your computer: talk to the real Wadul bot without Telegram.",
    },
    "sandbox.open_panel": {"id": "Buka panel petugas ↗", "en": "Open the officials' panel ↗"},
    # --- simulated users ---
    "sandbox.users.title": {"id": "Pengguna Telegram tiruan", "en": "Simulated Telegram users"},
    "sandbox.users.none": {
        "id": "Belum ada pengguna. Buat satu di bawah, misalnya seorang warga.",
        "en": "No users yet. Create one below, for example a resident.",
    },
    "sandbox.users.new": {"id": "Pengguna baru", "en": "New user"},
    "sandbox.users.first_name": {"id": "Nama depan", "en": "First name"},
    "sandbox.users.last_name": {"id": "Nama belakang", "en": "Last name"},
    "sandbox.users.username": {"id": "Username (tanpa @)", "en": "Username (without @)"},
    "sandbox.users.language": {"id": "Bahasa aplikasi Telegram", "en": "Telegram app language"},
    "sandbox.users.more": {"id": "Lainnya (ID Telegram, username)", "en": "More (Telegram id, username)"},
    "sandbox.users.telegram_id": {"id": "ID Telegram (boleh kosong)", "en": "Telegram id (optional)"},
    "sandbox.users.telegram_id_hint": {
        "id": "Kosongkan untuk ID acak. Isi bila pengguna ini harus dikenali sebagai akun tertentu.",
        "en": "Leave empty for a random id. Fill it in when this user must be a particular account.",
    },
    "sandbox.users.create": {"id": "Buat dan buka obrolan", "en": "Create and open the chat"},
    "sandbox.users.village_head": {
        "id": "Kepala desa memakai bot seperti warga. Akun Telegram-nya dikenali sebagai kepala desa setelah "
              "ditautkan ke akun petugasnya: di panel, admin utama membuat kode tautan untuk petugas itu "
              "(Data induk → Akun petugas → buka petugasnya → Buat kode tautan Telegram), lalu kode itu dikirim ke bot dari obrolan pengguna ini.",
        "en": "A village head uses the bot like a resident. Their Telegram account is recognised as the village "
              "head once it is linked to their official account: in the panel the main admin makes a link code "
              "for that official (Directory → Accounts → open the official → Create a Telegram link code), then the code is sent to the bot from this "
              "user's chat.",
    },
    "sandbox.chats.empty": {
        "id": "Centang pengguna di kiri untuk membuka obrolannya. Beberapa obrolan bisa dibuka berdampingan.",
        "en": "Tick a user on the left to open their chat. Several chats can be open side by side.",
    },
    # --- a chat ---
    "sandbox.chat.as_user": {"id": "sebagai {name} · id {id} · {lang}", "en": "as {name} · id {id} · {lang}"},
    "sandbox.chat.start_hint": {
        "id": "{bot} melayani aduan warga untuk pemerintah daerah. Tekan MULAI untuk memulai.",
        "en": "{bot} takes residents' complaints for the local government. Press START to begin.",
    },
    "sandbox.chat.start": {"id": "MULAI", "en": "START"},
    "sandbox.chat.placeholder": {"id": "Tulis pesan…", "en": "Message…"},
    "sandbox.chat.caption_placeholder": {"id": "Tambahkan keterangan…", "en": "Add a caption…"},
    "sandbox.chat.menu": {"id": "☰ Menu", "en": "☰ Menu"},
    "sandbox.chat.attach": {"id": "Lampirkan foto atau lokasi", "en": "Attach a photo or a location"},
    "sandbox.chat.attach_photo": {"id": "Foto (beberapa sekaligus = album)", "en": "Photo (several at once = an album)"},
    "sandbox.chat.attach_location": {"id": "Lokasi", "en": "Location"},
    "sandbox.chat.send": {"id": "Kirim", "en": "Send"},
    "sandbox.chat.remove_photos": {"id": "Batal", "en": "Remove"},
    "sandbox.chat.edited": {"id": "diedit", "en": "edited"},
    "sandbox.chat.edited_times": {"id": "Diedit {count} kali", "en": "Edited {count} times"},
    "sandbox.chat.photo": {"id": "Foto", "en": "Photo"},
    "sandbox.chat.location_shared": {"id": "Lokasi", "en": "Location"},
    "sandbox.chat.accuracy": {"id": "akurasi ±{meters} m", "en": "accuracy ±{meters} m"},
    "sandbox.chat.button_not_modelled": {
        "id": "Tombol jenis ini tidak ditiru oleh sandbox", "en": "The sandbox does not model this kind of button",
    },
    "sandbox.media.document": {"id": "Berkas", "en": "File"},
    "sandbox.media.video": {"id": "Video", "en": "Video"},
    "sandbox.media.voice": {"id": "Pesan suara", "en": "Voice message"},
    "sandbox.media.audio": {"id": "Audio", "en": "Audio"},
    "sandbox.media.animation": {"id": "GIF", "en": "GIF"},
    "sandbox.media.video_note": {"id": "Pesan video", "en": "Video message"},
    # --- the location picker ---
    "sandbox.map.title": {"id": "Pilih lokasi", "en": "Choose a location"},
    "sandbox.map.hint": {
        "id": "Klik peta untuk menaruh titik, seperti GPS di ponsel. Garis biru adalah batas desa.",
        "en": "Click the map to drop a point, as a phone's GPS would. Blue lines are village boundaries.",
    },
    "sandbox.map.latitude": {"id": "Lintang", "en": "Latitude"},
    "sandbox.map.longitude": {"id": "Bujur", "en": "Longitude"},
    "sandbox.map.accuracy": {"id": "Akurasi (meter)", "en": "Accuracy (metres)"},
    "sandbox.map.as_venue": {"id": "Kirim sebagai tempat (nama dan alamat)", "en": "Send as a place (name and address)"},
    "sandbox.map.venue_title": {"id": "Nama tempat", "en": "Place name"},
    "sandbox.map.venue_address": {"id": "Alamat", "en": "Address"},
    "sandbox.map.inside": {"id": "Titik ini berada di {place}", "en": "This point is in {place}"},
    "sandbox.map.outside": {"id": "Titik ini di luar desa yang dimuat", "en": "This point is outside the loaded villages"},
    "sandbox.map.cancel": {"id": "Batal", "en": "Cancel"},
    "sandbox.map.send": {"id": "Kirim lokasi", "en": "Send location"},
    # --- rejected calls ---
    "sandbox.calls.title": {"id": "Panggilan ditolak", "en": "Rejected calls"},
    "sandbox.calls.hint": {
        "id": "Setiap panggilan bot dan worker ke Bot API diperiksa terhadap spesifikasi dan batas Telegram. "
              "Merah: salah bentuk (kesalahan program). Kuning: ditolak Telegram dengan sengaja "
              "(diblokir, obrolan tidak ada, batas kecepatan).",
        "en": "Every Bot API call of the bot and the worker is checked against Telegram's specification and "
              "limits. Red: malformed (a bug). Amber: refused on purpose by Telegram (blocked, unknown chat, "
              "flood limit).",
    },
    "sandbox.calls.none": {"id": "Belum ada panggilan yang ditolak.", "en": "No rejected calls so far."},
    "sandbox.calls.kind.malformed": {"id": "salah bentuk", "en": "malformed"},
    "sandbox.calls.kind.refused": {"id": "ditolak", "en": "refused"},
    "sandbox.calls.kind.server_error": {"id": "galat sandbox", "en": "sandbox error"},
    # --- errors ---
    "sandbox.err.name_needed": {"id": "Isi nama depan pengguna.", "en": "Enter the user's first name."},
    "sandbox.err.bad_id": {
        "id": "ID Telegram harus berupa angka positif.", "en": "A Telegram id is a positive whole number.",
    },
    "sandbox.err.no_user": {"id": "Pengguna ini tidak dikenal sandbox.", "en": "The sandbox does not know this user."},
    "sandbox.err.bad_request": {"id": "Permintaan tidak dapat dibaca.", "en": "The request could not be read."},
    "sandbox.err.empty": {"id": "Pesan kosong tidak dapat dikirim.", "en": "An empty message cannot be sent."},
    "sandbox.err.too_long": {
        "id": "Pesan terlalu panjang (paling banyak 4096 karakter).",
        "en": "The message is too long (4096 characters at most).",
    },
    "sandbox.err.no_photo": {"id": "Pilih foto terlebih dahulu.", "en": "Choose a photo first."},
    "sandbox.err.caption_too_long": {
        "id": "Keterangan foto paling banyak 1024 karakter.", "en": "A photo caption has 1024 characters at most.",
    },
    "sandbox.err.not_image": {
        "id": "Berkas itu bukan gambar (JPEG atau PNG).", "en": "That file is not an image (JPEG or PNG).",
    },
    "sandbox.err.bad_location": {
        "id": "Lokasi tidak valid: pilih titik di peta.", "en": "Not a valid location: pick a point on the map.",
    },
    "sandbox.err.no_button": {
        "id": "Tombol itu sudah tidak ada.", "en": "That button is no longer there.",
    },
    "sandbox.err.no_file": {"id": "Berkas tidak ditemukan.", "en": "File not found."},
    "sandbox.err.no_regions": {"id": "Berkas batas desa tidak ditemukan.", "en": "The village boundary file is missing."},
    "sandbox.err.network": {
        "id": "Sandbox tidak dapat dihubungi. Apakah masih berjalan?",
        "en": "The sandbox cannot be reached. Is it still running?",
    },
    "sandbox.err.server": {"id": "Terjadi kesalahan di sandbox.", "en": "Something went wrong in the sandbox."},
}
