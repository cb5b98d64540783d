"""Texts of filing on behalf of a resident (panel), named handlers and priority (panel and the
handler's Telegram message), and following such a complaint on Telegram (bot)."""

_CHANNELS = {
    "phone": ("Telepon", "Phone call"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "walk_in": ("Datang langsung", "Walk-in"),
    "social": ("Media sosial", "Social media"),
    "telegram": ("Bot Telegram", "Telegram bot"),
    "open311": ("Open311 (aplikasi lain)", "Open311 (another app)"),
}

_FIELDS = {
    "channel": ("Diterima lewat", "Received by"),
    "contact_name": ("Nama pelapor", "Reporter's name"),
    "contact_phone": ("Telepon/WhatsApp pelapor", "Reporter's phone/WhatsApp"),
    "contact_email": ("Email pelapor", "Reporter's email"),
    "category": ("Kategori", "Category"),
    "description": ("Isi aduan", "The complaint"),
    "photos": ("Foto", "Photos"),
    "latitude": ("Lintang", "Latitude"),
    "longitude": ("Bujur", "Longitude"),
    "address_text": ("Alamat atau patokan", "Address or landmark"),
    "anonymous": ("Anonim: nama pelapor tidak ditampilkan kepada instansi",
                  "Anonymous: the reporter's name is not shown to the office"),
    "confidential": ("Rahasia: hanya instansi yang menangani dan admin utama yang melihat aduan ini",
                     "Confidential: only the handling office and the main admin see this complaint"),
    "photos_public": ("Pelapor setuju foto ditampilkan di halaman publik",
                      "The reporter agrees that the photos may be shown on public pages"),
}

MESSAGES = {f"behalf.channel.{k}": {"id": i, "en": e} for k, (i, e) in _CHANNELS.items()}
MESSAGES.update({f"behalf.field.{k}": {"id": i, "en": e} for k, (i, e) in _FIELDS.items()})

MESSAGES.update({
    # --- the panel: "Catat aduan" ---------------------------------------------------------
    "behalf.menu": {"id": "Catat aduan", "en": "Record a complaint"},
    "behalf.title": {"id": "Catat aduan atas nama warga", "en": "Record a complaint for a resident"},
    "behalf.intro": {
        "id": "Untuk aduan yang diterima lewat telepon, WhatsApp, kunjungan langsung atau media sosial. "
              "Aduan ini diteruskan ke instansi yang berwenang, dengan tenggat yang sama seperti aduan dari bot.",
        "en": "For complaints received by phone, WhatsApp, a visit or social media. It goes to the office "
              "in charge with the same deadlines as a complaint from the bot."},
    "behalf.choose": {"id": "— pilih —", "en": "— choose —"},
    "behalf.group.other": {"id": "Lainnya", "en": "Other"},
    "behalf.section.source": {"id": "Sumber dan pelapor", "en": "Source and reporter"},
    "behalf.section.complaint": {"id": "Aduan", "en": "Complaint"},
    "behalf.section.place": {"id": "Lokasi", "en": "Location"},
    "behalf.section.privacy": {"id": "Privasi", "en": "Privacy"},
    "behalf.contact_help": {
        "id": "Nama dan kontak boleh dikosongkan. Tidak pernah ditampilkan kepada publik.",
        "en": "Name and contact are optional. They are never shown to the public."},
    "behalf.photos_help": {"id": "JPEG atau PNG, paling banyak {n} foto.", "en": "JPEG or PNG, at most {n} photos."},
    "behalf.photos_kept": {"id": "{n} foto sudah diterima dan tetap disimpan; boleh menambah foto lain.",
                           "en": "{n} photo(s) already received and kept; you may add more."},
    "behalf.place_help": {
        "id": "Klik titik lokasi di peta, atau tulis alamat/patokannya (atau keduanya).",
        "en": "Click the spot on the map, or write the address or a landmark (or both)."},
    "behalf.privacy_help": {
        "id": "Tanyakan kepada pelapor. Tanpa persetujuan, foto tidak pernah tampil di halaman publik.",
        "en": "Ask the reporter. Without consent, photos never appear on public pages."},
    "behalf.submit": {"id": "Simpan aduan", "en": "File the complaint"},
    "behalf.fix_intro": {"id": "Aduan belum disimpan. Mohon perbaiki bagian berikut (isian Anda tetap ada):",
                         "en": "The complaint is not filed yet. Please correct the following (what you typed is kept):"},
    "behalf.error.channel": {"id": "Pilih dari mana aduan diterima.", "en": "Choose how the complaint was received."},
    "behalf.error.category": {"id": "Pilih kategori aduan.", "en": "Choose the complaint's category."},
    "behalf.error.description_short": {
        "id": "Isi aduan terlalu singkat ({typed} karakter): tulis paling sedikit {min} karakter, apa dan di mana.",
        "en": "The complaint is too short ({typed} characters): write at least {min} characters, what and where."},
    "behalf.error.description_long": {
        "id": "Isi aduan terlalu panjang ({typed} karakter, paling banyak {max}).",
        "en": "The complaint is too long ({typed} characters, at most {max})."},
    "behalf.error.phone": {"id": "Nomor telepon tidak terbaca; tulis angka saja, misalnya 0812 3456 7890.",
                           "en": "The phone number cannot be read; write digits, e.g. 0812 3456 7890."},
    "behalf.error.email": {"id": "Alamat email tidak terbaca.", "en": "The email address cannot be read."},
    "behalf.error.name_long": {"id": "Nama terlalu panjang (paling banyak 120 karakter).",
                               "en": "The name is too long (at most 120 characters)."},
    "behalf.error.point": {"id": "Titik lokasi tidak terbaca; klik di peta atau kosongkan lintang dan bujur.",
                           "en": "The point cannot be read; click on the map or leave latitude and longitude empty."},
    "behalf.error.outside": {"id": "Titik ini di luar wilayah {regency}. Pilih titik lain atau tulis alamatnya.",
                             "en": "This point is outside {regency}. Choose another point or write the address."},
    "behalf.error.place": {"id": "Beri lokasi: klik di peta atau tulis alamat/patokannya.",
                           "en": "Give the location: click on the map or write the address or a landmark."},
    "behalf.error.address_long": {"id": "Alamat terlalu panjang (paling banyak 500 karakter).",
                                  "en": "The address is too long (at most 500 characters)."},
    "behalf.error.photos_many": {"id": "Paling banyak {n} foto.", "en": "At most {n} photos."},
    "behalf.error.photos_many_named": {"id": "{name}: sudah {n} foto, foto ini tidak disimpan.",
                                       "en": "{name}: there are already {n} photos; this one was not kept."},
    "behalf.error.photo_not_image": {"id": "{name} bukan foto yang bisa dibaca (kirim JPEG atau PNG).",
                                     "en": "{name} is not a readable photo (send a JPEG or PNG)."},
    "behalf.error.photo_too_big": {"id": "{name} terlalu besar (paling besar 20 MB).",
                                   "en": "{name} is too big (at most 20 MB)."},
    "behalf.error.photo_too_many_pixels": {"id": "{name} resolusinya terlalu besar.",
                                           "en": "{name} has too many pixels."},
    "behalf.error.photo_not_stored": {"id": "{name} tidak bisa disimpan di server saat ini; coba lagi nanti.",
                                      "en": "{name} could not be stored on the server now; try again later."},
    "behalf.done": {"id": "Aduan {code} tersimpan.", "en": "Complaint {code} filed."},
    "behalf.notice.reporter": {"id": "Pelapor: {reporter} (lewat {channel})", "en": "Reporter: {reporter} (by {channel})"},
    "behalf.notice.unnamed": {"id": "tanpa nama", "en": "no name given"},
    "behalf.recorded_by": {"id": "Dicatat oleh {name}", "en": "Recorded by {name}"},
    "behalf.slip.title": {"id": "Aduan tersimpan — kode aduan", "en": "Complaint filed — tracking code"},
    "behalf.slip.route": {"id": "Aduan diteruskan ke {office}.", "en": "The complaint goes to {office}."},
    "behalf.slip.route_admin": {"id": "Admin utama akan menentukan instansi yang menangani.",
                                "en": "The main admin will choose the office in charge."},
    "behalf.slip.for_reporter": {"id": "Untuk pelapor", "en": "For the reporter"},
    "behalf.slip.help": {
        "id": "Bacakan, kirim lewat WhatsApp, atau cetak teks ini untuk pelapor.",
        "en": "Read it out, send it by WhatsApp, or print it for the reporter."},
    "behalf.slip.another": {"id": "Catat aduan lain", "en": "Record another complaint"},
    "behalf.slip.open": {"id": "Buka aduan", "en": "Open the complaint"},
    "behalf.slip.public": {"id": "Halaman status publik", "en": "Public status page"},
    "behalf.slip.bot": {"id": "Wadul", "en": "Wadul"},
    "behalf.slip.text": {
        "id": "Kode aduan: {code}. Pantau di {link} atau kirim kode ke bot Telegram {bot}.",
        "en": "Complaint code: {code}. Follow it at {link} or send the code to the Telegram bot {bot}."},
    "behalf.slip.digits": {
        "id": "Di bot, kirim kode beserta 4 angka terakhir nomor telepon Anda, misalnya: {code} 1234.",
        "en": "In the bot, send the code with the last 4 digits of your phone number, e.g. {code} 1234."},
    "behalf.slip.pin": {
        "id": "Di bot, kirim kode beserta PIN {pin}: {code} {pin}.",
        "en": "In the bot, send the code with the PIN {pin}: {code} {pin}."},
    # --- named handlers and priority --------------------------------------------------------
    "handling.title": {"id": "Penanganan", "en": "Handling"},
    "handling.col.handler": {"id": "Petugas", "en": "Handler"},
    "handling.field.handler": {"id": "Serahkan kepada", "en": "Give to"},
    "handling.field.priority": {"id": "Prioritas", "en": "Priority"},
    "handling.field.note": {"id": "Pesan untuk petugas (tidak dikirim ke pelapor)",
                            "en": "Note for the handler (not sent to the reporter)"},
    "handling.priority.0": {"id": "Biasa", "en": "Normal"},
    "handling.priority.1": {"id": "Tinggi", "en": "High"},
    "handling.priority.2": {"id": "Mendesak", "en": "Urgent"},
    "handling.nobody": {"id": "— belum ada —", "en": "— nobody yet —"},
    "handling.no_telegram": {"id": "tanpa Telegram", "en": "no Telegram"},
    "handling.help": {
        "id": "Hanya petugas instansi ini yang bisa dipilih. Petugas yang Telegram-nya terhubung diberi tahu.",
        "en": "Only this office's people can be chosen. A handler with linked Telegram is told there."},
    "handling.submit": {"id": "Simpan penanganan", "en": "Save handling"},
    "handling.done": {"id": "Penanganan aduan {code} disimpan.", "en": "Handling of {code} saved."},
    "handling.done_told": {"id": "Penanganan aduan {code} disimpan; petugas diberi tahu lewat Telegram.",
                           "en": "Handling of {code} saved; the handler is told on Telegram."},
    "handling.error.bad_handler": {"id": "Petugas itu bukan petugas aktif instansi yang menangani aduan ini.",
                                   "en": "That person is not an active official of the office handling this complaint."},
    "handling.error.bad_priority": {"id": "Prioritas tidak dikenal.", "en": "Unknown priority."},
    "handling.error.unchanged": {"id": "Tidak ada yang berubah.", "en": "Nothing changed."},
    "handling.history.handler": {"id": "Diserahkan kepada {name}", "en": "Given to {name}"},
    "handling.history.no_handler": {"id": "Petugas penanganan dilepas", "en": "Handler removed"},
    "handling.history.priority": {"id": "Prioritas: {priority}", "en": "Priority: {priority}"},
    "handling.place_unknown": {"id": "lokasi belum diketahui", "en": "location not known yet"},
    "handling.message": {
        "id": "📌 <b>Aduan {code} diserahkan kepada Anda</b> oleh {by}.\nPrioritas: <b>{priority}</b>\n"
              "{category} · {place}\nStatus: {status}\n\nBuka di panel: {link}",
        "en": "📌 <b>Complaint {code} is given to you</b> by {by}.\nPriority: <b>{priority}</b>\n"
              "{category} · {place}\nStatus: {status}\n\nOpen in the panel: {link}"},
    "handling.message_note": {"id": "\n\n<b>Pesan:</b>\n{note}", "en": "\n\n<b>Note:</b>\n{note}"},
    "panel.quick.mine": {"id": "Aduan saya", "en": "Mine"},
    "panel.kind.handler": {"id": "penugasan petugas", "en": "handler assignment"},
    # --- following on Telegram a complaint filed elsewhere -----------------------------------
    "claim.history": {"id": "Pelapor mengikuti aduan ini lewat Telegram", "en": "The reporter follows this complaint on Telegram"},
    "claim.bot.claimed": {
        "id": "✅ Anda sekarang mengikuti aduan <b>{code}</b> di Telegram. Setiap perubahan statusnya akan "
              "dikirim ke obrolan ini.",
        "en": "✅ You now follow complaint <b>{code}</b> on Telegram. Every change of its status will be "
              "sent to this chat."},
    "claim.bot.needs_digits": {
        "id": "Aduan <b>{code}</b> dicatat petugas bersama nomor telepon pelapor. Untuk mengikutinya di sini, "
              "kirim kodenya beserta 4 angka terakhir nomor itu, misalnya:\n<code>{code} 1234</code>",
        "en": "Complaint <b>{code}</b> was recorded by staff with the reporter's phone number. To follow it here, "
              "send its code with the last 4 digits of that number, e.g.:\n<code>{code} 1234</code>"},
    "claim.bot.needs_pin": {
        "id": "Aduan <b>{code}</b> dicatat petugas. Untuk mengikutinya di sini, kirim kodenya beserta PIN 4 angka "
              "yang tertulis di tanda terima Anda, misalnya:\n<code>{code} 1234</code>",
        "en": "Complaint <b>{code}</b> was recorded by staff. To follow it here, send its code with the 4-digit PIN "
              "written on your slip, e.g.:\n<code>{code} 1234</code>"},
    "claim.bot.wrong_pin": {
        "id": "PIN itu tidak cocok untuk aduan <b>{code}</b>. Sisa percobaan: {left}.",
        "en": "That PIN does not match complaint <b>{code}</b>. Tries left: {left}."},
    "claim.bot.wrong_digits": {
        "id": "4 angka itu tidak cocok dengan nomor yang dicatat untuk aduan <b>{code}</b>. Sisa percobaan: {left}.",
        "en": "Those 4 digits do not match the number recorded for complaint <b>{code}</b>. Tries left: {left}."},
    "claim.bot.locked": {
        "id": "Terlalu banyak percobaan untuk aduan <b>{code}</b>. Coba lagi besok, atau hubungi kantor yang "
              "mencatat aduan Anda.",
        "en": "Too many tries for complaint <b>{code}</b>. Try again tomorrow, or contact the office that "
              "recorded your complaint."},
})
