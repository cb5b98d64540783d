"""What village heads and officials read on Telegram (#WadulKades), and the panel's
Telegram-link texts. HTML parse mode: values holding people's text are escaped by callers."""

MESSAGES = {
    # --- linking ---------------------------------------------------------------------------
    "village.link.done": {
        "id": "✅ Akun Telegram Anda sekarang terhubung sebagai <b>{role}</b> — {office}.",
        "en": "✅ Your Telegram account is now linked as <b>{role}</b> — {office}.",
    },
    "village.link.done_village": {
        "id": "Setiap aduan baru untuk desa Anda akan dikirim ke sini, lengkap dengan tombol untuk "
              "menindaklanjutinya. Ketik /desa untuk melihat aduan desa yang masih terbuka.",
        "en": "Every new complaint for your village will be sent here, with buttons to act on it. "
              "Type /village to see the village's open complaints.",
    },
    "village.link.done_office": {
        "id": "Pemberitahuan aduan untuk kantor Anda akan dikirim ke sini.",
        "en": "Complaint notices for your office will be sent here.",
    },
    "village.link.unknown": {
        "id": "Kode tautan tidak dikenal. Periksa kembali kodenya, atau minta kode baru ke admin utama.",
        "en": "This link code is not known. Check it again, or ask the main admin for a new one.",
    },
    "village.link.expired": {
        "id": "Kode tautan ini sudah kedaluwarsa. Silakan minta kode baru ke admin utama.",
        "en": "This link code has expired. Please ask the main admin for a new one.",
    },
    "village.link.used": {
        "id": "Kode tautan ini sudah pernah dipakai. Setiap kode hanya berlaku satu kali; "
              "minta kode baru ke admin utama bila perlu.",
        "en": "This link code has already been used. Each code works once; ask the main admin for a new one if needed.",
    },
    "village.link.inactive": {
        "id": "Akun petugas ini tidak aktif. Silakan hubungi admin utama.",
        "en": "This official's account is not active. Please contact the main admin.",
    },
    "village.link.official_taken": {
        "id": "Akun petugas ini sudah terhubung dengan akun Telegram lain. Minta admin utama memutus tautan "
              "yang lama terlebih dahulu.",
        "en": "This official's account is already linked to another Telegram account. Ask the main admin to "
              "unlink it first.",
    },
    "village.link.account_taken": {
        "id": "Akun Telegram Anda sudah terhubung dengan akun petugas lain ({official}). Satu akun Telegram "
              "hanya untuk satu petugas; minta admin utama memutus tautan itu bila perlu.",
        "en": "Your Telegram account is already linked to another official ({official}). One Telegram account "
              "serves one official; ask the main admin to unlink it if needed.",
    },
    "village.link.too_many": {
        "id": "Terlalu banyak kode yang salah. Silakan coba lagi sekitar 15 menit lagi.",
        "en": "Too many wrong codes. Please try again in about 15 minutes.",
    },
    "village.unlinked": {
        "id": "🔌 Akun Telegram ini tidak lagi terhubung dengan akun petugas {official}. "
              "Anda tetap bisa mengirim aduan sebagai warga.",
        "en": "🔌 This Telegram account is no longer linked to the official account {official}. "
              "You can still file complaints as a resident.",
    },
    # --- the village's list ---------------------------------------------------------------------
    "village.only_officials": {
        "id": "Perintah ini khusus untuk kepala desa dan perangkat desa yang sudah menautkan akun Telegram-nya. "
              "Minta kode tautan ke admin utama, lalu kirim kodenya ke sini.",
        "en": "This command is for village heads and village officials who have linked their Telegram account. "
              "Ask the main admin for a link code, then send it here.",
    },
    "village.list.empty": {
        "id": "Tidak ada aduan terbuka untuk {desa}. 👍",
        "en": "{desa} has no open complaints. 👍",
    },
    "village.list.head": {
        "id": "📋 <b>Aduan terbuka {desa}</b> ({total})\nBatas waktu terdekat lebih dulu · halaman {page}/{pages}",
        "en": "📋 <b>Open complaints of {desa}</b> ({total})\nNearest deadline first · page {page}/{pages}",
    },
    "village.list.item": {
        "id": "{n}. <code>{code}</code> · {category} · {status}\n{deadline}",
        "en": "{n}. <code>{code}</code> · {category} · {status}\n{deadline}",
    },
    "village.list.hint": {
        "id": "Pilih kode aduan untuk membukanya dan menindaklanjuti.",
        "en": "Choose a tracking code to open the complaint and act on it.",
    },
    "village.deadline.response": {
        "id": "⏰ batas tanggapan {due} ({remaining})",
        "en": "⏰ answer due {due} ({remaining})",
    },
    "village.deadline.resolution": {
        "id": "⏰ batas penyelesaian {due} ({remaining})",
        "en": "⏰ resolution due {due} ({remaining})",
    },
    "village.deadline.none": {"id": "⏰ tanpa batas waktu", "en": "⏰ no deadline"},
    "village.overdue": {"id": "⚠️ <b>TERLAMBAT</b>", "en": "⚠️ <b>OVERDUE</b>"},
    # --- one complaint ----------------------------------------------------------------------------
    "village.card.head": {"id": "📌 <b>{code}</b> · {status}", "en": "📌 <b>{code}</b> · {status}"},
    "village.card.map": {"id": "🗺 <a href=\"{url}\">Lihat lokasi di peta</a>",
                         "en": "🗺 <a href=\"{url}\">See the place on a map</a>"},
    "village.card.no_actions": {
        "id": "Tidak ada tindakan yang bisa dilakukan pada status ini.",
        "en": "No action is possible in this status.",
    },
    "village.kb.ip": {"id": "▶️ Terima & proses", "en": "▶️ Accept & start"},
    "village.kb.rs": {"id": "✅ Selesai", "en": "✅ Resolved"},
    "village.kb.rj": {"id": "✖️ Tolak", "en": "✖️ Reject"},
    "village.kb.fw": {"id": "↪️ Bukan wewenang desa", "en": "↪️ Beyond the village"},
    "village.kb.open": {"id": "📂 Buka aduan", "en": "📂 Open complaint"},
    "village.kb.cancel": {"id": "❌ Batal", "en": "❌ Cancel"},
    "village.kb.skip_photo": {"id": "Lewati foto", "en": "Skip the photo"},
    # --- button answers -------------------------------------------------------------------------------
    "village.button.invalid": {"id": "Tombol ini tidak dikenali.", "en": "This button is not recognised."},
    "village.button.not_allowed": {
        "id": "Anda tidak berwenang menindaklanjuti aduan ini.",
        "en": "You are not allowed to act on this complaint.",
    },
    "village.button.stale": {
        "id": "Aduan ini sudah berubah (status sekarang: {status}). Tombol lama tidak berlaku lagi.",
        "en": "This complaint has changed (now: {status}). The old button no longer applies.",
    },
    "village.button.filing": {
        "id": "Selesaikan atau batalkan (/batal) laporan yang sedang Anda isi terlebih dahulu.",
        "en": "Please finish or cancel (/cancel) the report you are writing first.",
    },
    # --- notes and photos ------------------------------------------------------------------------------
    "village.ask.rs": {
        "id": "✅ Menyelesaikan aduan <b>{code}</b>.\nTuliskan catatan penyelesaian untuk pelapor "
              "(apa yang sudah dikerjakan):",
        "en": "✅ Resolving complaint <b>{code}</b>.\nWrite a note for the reporter (what was done):",
    },
    "village.ask.rj": {
        "id": "✖️ Menolak aduan <b>{code}</b>.\nTuliskan alasan penolakannya; pelapor akan membacanya:",
        "en": "✖️ Rejecting complaint <b>{code}</b>.\nWrite the reason; the reporter will read it:",
    },
    "village.ask.fw": {
        "id": "↪️ Aduan <b>{code}</b> akan diteruskan ke <b>{office}</b>.\n"
              "Tuliskan alasannya (mengapa di luar kewenangan desa):",
        "en": "↪️ Complaint <b>{code}</b> will be forwarded to <b>{office}</b>.\n"
              "Write why it is beyond the village's authority:",
    },
    "village.note.too_short": {
        "id": "Catatannya terlalu singkat (minimal {min} karakter). Silakan tulis lagi.",
        "en": "The note is too short (at least {min} characters). Please write it again.",
    },
    "village.note.too_long": {
        "id": "Catatannya terlalu panjang (maksimal {max} karakter). Silakan persingkat.",
        "en": "The note is too long (at most {max} characters). Please shorten it.",
    },
    "village.note.expected": {
        "id": "Tuliskan catatannya sebagai pesan teks, atau tekan Batal.",
        "en": "Please write the note as a text message, or press Cancel.",
    },
    "village.ask.photo": {
        "id": "📷 Kirim foto hasil pekerjaan (tidak wajib), atau tekan <b>Lewati foto</b>.",
        "en": "📷 Send a photo of the result (optional), or press <b>Skip the photo</b>.",
    },
    "village.photo.expected": {
        "id": "Kirim fotonya, atau tekan <b>Lewati foto</b>.",
        "en": "Send the photo, or press <b>Skip the photo</b>.",
    },
    "village.photo.failed": {
        "id": "Foto ini tidak bisa dipakai. Kirim foto lain, atau tekan <b>Lewati foto</b>.",
        "en": "This photo cannot be used. Send another one, or press <b>Skip the photo</b>.",
    },
    "village.cancelled": {"id": "Dibatalkan. Aduan tidak berubah.", "en": "Cancelled. The complaint is unchanged."},
    "village.no_target": {
        "id": "Belum ada instansi tujuan untuk aduan ini. Silakan teruskan lewat panel.",
        "en": "There is no office to forward this complaint to. Please use the panel.",
    },
    "village.changed_meanwhile": {
        "id": "Aduan <b>{code}</b> sudah berubah sebelum tindakan Anda tersimpan (status sekarang: {status}). "
              "Tidak ada yang diubah. Catatan Anda:\n<i>{note}</i>",
        "en": "Complaint <b>{code}</b> changed before your action was saved (now: {status}). Nothing was changed. "
              "Your note:\n<i>{note}</i>",
    },
    "village.done": {
        "id": "Aduan <b>{code}</b> sekarang berstatus <b>{status}</b>. Pelapor akan menerima kabar ini.",
        "en": "Complaint <b>{code}</b> is now <b>{status}</b>. The reporter will be told.",
    },
    "village.done.fw": {
        "id": "Aduan <b>{code}</b> diteruskan ke <b>{office}</b>. Pelapor akan menerima kabar ini.",
        "en": "Complaint <b>{code}</b> was forwarded to <b>{office}</b>. The reporter will be told.",
    },
    # --- filing for the village ------------------------------------------------------------------------------
    "village.file.opd": {
        "id": "Kategori ini urusan desa. Karena Anda melapor atas nama desa, pilih instansi (OPD) "
              "yang sebaiknya menanganinya:",
        "en": "This category is a village matter. As you file on behalf of the village, choose the office "
              "(OPD) that should handle it:",
    },
    "village.file.opd_admin": {"id": "Tidak tahu — serahkan ke admin utama", "en": "Not sure — let the main admin decide"},
    "village.file.opd_chosen": {"id": "Ditujukan ke: <b>{office}</b>", "en": "For: <b>{office}</b>"},
    # --- panel -------------------------------------------------------------------------------------------------
    "village.panel.telegram": {"id": "Telegram", "en": "Telegram"},
    "village.panel.linked": {
        "id": "Terhubung dengan akun Telegram (ID {telegram_id}).",
        "en": "Linked to a Telegram account (ID {telegram_id}).",
    },
    "village.panel.not_linked": {"id": "Belum terhubung dengan Telegram.", "en": "Not linked to Telegram."},
    "village.panel.create_code": {"id": "Buat kode tautan Telegram", "en": "Create a Telegram link code"},
    "village.panel.unlink": {"id": "Putuskan tautan Telegram", "en": "Unlink Telegram"},
    "village.panel.code_title": {"id": "Kode tautan Telegram — {official}", "en": "Telegram link code — {official}"},
    "village.panel.code_once": {
        "id": "Kode ini hanya ditampilkan sekali. Berikan langsung kepada petugasnya. Berlaku satu kali, "
              "sampai {expires}; kode lama yang belum dipakai tidak berlaku lagi.",
        "en": "This code is shown only once. Give it to the official in person. It works once, until {expires}; "
              "earlier unused codes no longer work.",
    },
    "village.panel.code_how": {
        "id": "Petugas mengirim kode ini ke bot Telegram, atau membuka tautan ini di ponselnya:",
        "en": "The official sends this code to the Telegram bot, or opens this link on their phone:",
    },
    "village.panel.code_how_plain": {
        "id": "Petugas mengirim kode ini ke bot Telegram Wadul.",
        "en": "The official sends this code to the Wadul Telegram bot.",
    },
    "village.panel.back": {"id": "Kembali ke akun", "en": "Back to the account"},
    "village.panel.unlinked": {
        "id": "Tautan Telegram {official} sudah diputus.",
        "en": "{official} is no longer linked to Telegram.",
    },
    "village.panel.was_not_linked": {
        "id": "Akun ini memang belum terhubung dengan Telegram.",
        "en": "This account was not linked to Telegram.",
    },
    "village.panel.inactive": {
        "id": "Akun nonaktif tidak bisa diberi kode tautan.",
        "en": "An inactive account cannot get a link code.",
    },
}
