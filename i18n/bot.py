"""What the Telegram bot says (HTML parse mode: values holding people's text are escaped)."""

MESSAGES = {
    "bot.api_unreachable": {
        "id": "Server Bot API Telegram tidak dapat dihubungi (periksa TELEGRAM_API_URL dan jaringan).",
        "en": "The Telegram Bot API server cannot be reached (check TELEGRAM_API_URL and the network).",
    },
    # --- start, menu, help, language ----------------------------------------------------
    "bot.start": {
        "id": "Halo, {name}! 👋 Saya <b>Wadul</b>, layanan aduan {regency}.\n"
              "Laporkan masalah di sekitar Anda (jalan rusak, sampah, lampu mati, layanan publik) "
              "dengan foto dan lokasi; kami teruskan ke instansi yang berwenang dan kabari Anda setiap perkembangannya.",
        "en": "Hello, {name}! 👋 I am <b>Wadul</b>, the complaint service of {regency}.\n"
              "Report a problem around you (damaged roads, rubbish, broken street lights, public services) "
              "with photos and a location; we send it to the office in charge and tell you about every step.",
    },
    "bot.start.village": {
        "id": "Anda terhubung sebagai <b>{role}</b> {desa}. Aduan yang Anda kirim tercatat atas nama desa.",
        "en": "You are linked as <b>{role}</b> of {desa}. Complaints you send are filed on behalf of the village.",
    },
    "bot.role.village_head": {"id": "Kepala Desa", "en": "village head"},
    "bot.role.village_official": {"id": "Perangkat Desa", "en": "village official"},
    "bot.start.draft_waiting": {
        "id": "📝 Anda punya laporan yang belum selesai. Ketik /lapor untuk melanjutkan atau /batal untuk membatalkan.",
        "en": "📝 You have an unfinished report. Type /report to continue or /cancel to discard it.",
    },
    "bot.menu.prompt": {"id": "Apa yang ingin Anda lakukan?", "en": "What would you like to do?"},
    "bot.menu.file": {"id": "📝 Buat aduan", "en": "📝 File a complaint"},
    "bot.menu.mine": {"id": "📋 Aduan saya", "en": "📋 My complaints"},
    "bot.menu.track": {"id": "🔎 Cek kode aduan", "en": "🔎 Check a tracking code"},
    "bot.menu.contacts": {"id": "☎️ Kontak OPD", "en": "☎️ Office contacts"},
    "bot.menu.help": {"id": "❓ Bantuan", "en": "❓ Help"},
    "bot.menu.language": {"id": "🌐 Bahasa / Language", "en": "🌐 Language / Bahasa"},
    "bot.track.prompt": {
        "id": "Ketik kode aduan Anda, misalnya <code>K7RX-4AMT</code>.",
        "en": "Type your tracking code, for example <code>K7RX-4AMT</code>.",
    },
    "bot.help": {
        "id": "<b>Cara memakai Wadul</b>\n"
              "/lapor — buat aduan baru (kategori, cerita, foto, lokasi)\n"
              "/aduanku — daftar aduan Anda dan statusnya\n"
              "/kontak — nomor pengaduan setiap OPD\n"
              "/batal — batalkan laporan yang sedang diisi\n"
              "/bahasa — ganti bahasa\n\n"
              "Ketik kode aduan (mis. <code>K7RX-4AMT</code>) kapan saja untuk melihat riwayatnya.\n"
              "Dalam keadaan darurat (kebakaran, kecelakaan), hubungi <b>112</b>.",
        "en": "<b>How to use Wadul</b>\n"
              "/report — file a new complaint (category, story, photos, location)\n"
              "/mine — your complaints and their status\n"
              "/contacts — every office's complaint contacts\n"
              "/cancel — discard the report you are writing\n"
              "/language — change language\n\n"
              "Type a tracking code (e.g. <code>K7RX-4AMT</code>) any time to see its history.\n"
              "In an emergency (fire, accident), call <b>112</b>.",
    },
    "bot.language.prompt": {"id": "Pilih bahasa:", "en": "Choose a language:"},
    "bot.language.set": {"id": "Baik, saya akan memakai Bahasa Indonesia.", "en": "Done, I will use English."},
    "bot.unknown_command": {
        "id": "Perintah itu tidak saya kenal. Ketik /bantuan untuk melihat yang bisa saya lakukan.",
        "en": "I do not know that command. Type /help to see what I can do.",
    },
    "bot.idle.hint": {
        "id": "Untuk membuat aduan, ketik /lapor. Untuk melihat aduan, ketik kodenya (mis. <code>K7RX-4AMT</code>) "
              "atau /aduanku.",
        "en": "To file a complaint, type /report. To follow one, type its code (e.g. <code>K7RX-4AMT</code>) "
              "or /mine.",
    },
    "bot.idle.media": {
        "id": "Terima kasih. Untuk melaporkan masalah dengan foto dan lokasi, mulai dulu dengan /lapor.",
        "en": "Thank you. To report a problem with photos and a location, start with /report first.",
    },
    "bot.button.expired": {
        "id": "Tombol ini sudah tidak berlaku.", "en": "This button is no longer valid.",
    },
    "bot.error": {
        "id": "Maaf, ada gangguan saat memproses pesan Anda. Data yang sudah Anda isi tetap tersimpan; silakan coba lagi "
              "sebentar lagi.",
        "en": "Sorry, something went wrong while handling your message. What you have entered so far is kept; "
              "please try again in a moment.",
    },
    "bot.error_unsaved": {
        "id": "Maaf, sistem kami sedang terganggu sehingga pesan terakhir Anda <b>belum tersimpan</b>. Data yang sudah "
              "Anda isi sebelumnya tetap aman; silakan kirim lagi pesan terakhir itu beberapa saat lagi.",
        "en": "Sorry, our system is having a problem, so your last message was <b>not stored</b>. What you entered "
              "before is safe; please send that last message again in a few minutes.",
    },
    # --- filing: category -----------------------------------------------------------------
    "bot.file.resume": {
        "id": "📝 Kita lanjutkan laporan Anda dari langkah terakhir.",
        "en": "📝 Let us continue your report where you left it.",
    },
    "bot.file.category": {"id": "<b>Langkah 1/5.</b> Pilih kategori masalahnya:",
                          "en": "<b>Step 1/5.</b> Choose the kind of problem:"},
    "bot.file.category_group": {"id": "<b>Langkah 1/5.</b> Pilih kategori dalam <b>{group}</b>:",
                                "en": "<b>Step 1/5.</b> Choose a category in <b>{group}</b>:"},
    "bot.file.category_chosen": {"id": "Kategori: <b>{category}</b> ✓", "en": "Category: <b>{category}</b> ✓"},
    "bot.file.category_buttons": {
        "id": "Silakan pilih kategori dengan tombol di bawah ini.", "en": "Please choose a category with the buttons below.",
    },
    "bot.file.no_categories": {
        "id": "Maaf, daftar kategori belum tersedia. Silakan coba lagi nanti atau hubungi /kontak.",
        "en": "Sorry, no categories are available yet. Please try later or use /contacts.",
    },
    "bot.kb.back": {"id": "⬅️ Kembali", "en": "⬅️ Back"},
    # --- filing: description --------------------------------------------------------------
    "bot.file.description": {
        "id": "<b>Langkah 2/5.</b> Ceritakan masalahnya: apa yang terjadi, di mana tepatnya, sejak kapan.\n"
              "Tulis {min}–{max} karakter.",
        "en": "<b>Step 2/5.</b> Describe the problem: what happened, where exactly, since when.\n"
              "Write {min}–{max} characters.",
    },
    "bot.file.description.too_short": {
        "id": "Ceritanya terlalu singkat ({length} karakter). Tulis minimal {min} karakter agar petugas paham "
              "masalahnya.",
        "en": "That is too short ({length} characters). Please write at least {min} characters so the office "
              "understands the problem.",
    },
    "bot.file.description.too_long": {
        "id": "Ceritanya terlalu panjang ({length} karakter). Maksimal {max} karakter; mohon diringkas lalu kirim "
              "lagi.",
        "en": "That is too long ({length} characters). The maximum is {max}; please shorten it and send it again.",
    },
    "bot.file.description.text_only": {
        "id": "Untuk langkah ini, tuliskan ceritanya dalam bentuk teks ya.",
        "en": "For this step, please write the description as text.",
    },
    # --- filing: photos -------------------------------------------------------------------
    "bot.file.photos": {
        "id": "<b>Langkah 3/5.</b> Kirim foto masalahnya (maksimal {max} foto, boleh sekaligus). "
              "Tekan <b>Selesai</b> bila sudah, atau <b>Lewati</b> bila tidak ada foto.",
        "en": "<b>Step 3/5.</b> Send photos of the problem (up to {max}, several at once is fine). "
              "Press <b>Done</b> when finished, or <b>Skip</b> if you have none.",
    },
    "bot.file.photo_saved": {
        "id": "📷 Foto diterima ({count}/{max}). Kirim lagi atau tekan <b>Selesai</b>.",
        "en": "📷 Photo received ({count}/{max}). Send more or press <b>Done</b>.",
    },
    "bot.file.photo_full": {
        "id": "Sudah {max} foto, itu jumlah maksimal. Foto ini tidak disimpan; tekan <b>Selesai</b> untuk lanjut.",
        "en": "You already sent {max} photos, the maximum. This one was not kept; press <b>Done</b> to go on.",
    },
    "bot.file.photo_duplicate": {
        "id": "Foto ini sudah Anda kirim sebelumnya.", "en": "You already sent this photo.",
    },
    "bot.file.photo_too_big": {
        "id": "Berkas ini terlalu besar (lebih dari 20 MB). Kirim sebagai <b>foto</b> biasa (bukan berkas) agar "
              "ukurannya diperkecil.",
        "en": "This file is too big (over 20 MB). Send it as a normal <b>photo</b> (not as a file) so it is "
              "made smaller.",
    },
    "bot.flood.slow_down": {
        "id": "Pesan Anda datang terlalu cepat, jadi sebagian saya lewati. Mohon tunggu sekitar {seconds} detik, "
              "lalu kirim lagi yang belum terjawab. Aduan dan foto yang sudah tersimpan tidak hilang.",
        "en": "Your messages are arriving too fast, so I skipped some of them. Please wait about {seconds} seconds, "
              "then send again what was not answered. Complaints and photos already saved are not lost.",
    },
    "bot.file.photo_too_many_pixels": {
        "id": "Gambar ini terlalu besar ukurannya (terlalu banyak piksel) untuk saya buka. Kirim sebagai <b>foto</b> "
              "biasa (bukan berkas), atau perkecil dulu sampai paling banyak {max} megapiksel. Foto yang sudah "
              "Anda kirim tetap tersimpan.",
        "en": "This picture is too large (too many pixels) for me to open. Send it as a normal <b>photo</b> "
              "(not as a file), or shrink it to at most {max} megapixels first. The photos you already sent are "
              "kept.",
    },
    "bot.file.photo_not_image": {
        "id": "Berkas ini bukan foto yang bisa saya buka. Kirim foto (JPEG atau PNG).",
        "en": "I cannot open this file as a picture. Please send a photo (JPEG or PNG).",
    },
    "bot.file.photo_failed": {
        "id": "Foto ini gagal saya unduh. Coba kirim sekali lagi.",
        "en": "I could not download this photo. Please send it once more.",
    },
    "bot.photo_store_failed": {
        "id": "Maaf, foto ini <b>tidak dapat disimpan</b> karena gangguan penyimpanan di sisi kami (bukan kesalahan "
              "Anda), jadi foto ini tidak terpakai. Anda dapat melanjutkan tanpa foto, atau mencoba lagi nanti.",
        "en": "Sorry, this photo <b>could not be stored</b> because of a storage problem on our side (not your fault), "
              "so it was not used. You can go on without a photo, or try again later.",
    },
    "bot.file.photo_store_failed": {
        "id": "Maaf, foto ini <b>tidak dapat disimpan</b> karena gangguan penyimpanan di sisi kami (bukan kesalahan "
              "Anda). Foto ini tidak ikut dalam laporan; saat ini laporan Anda berisi {count} foto. Anda dapat "
              "melanjutkan tanpa foto ini, atau mengirimnya lagi nanti.",
        "en": "Sorry, this photo <b>could not be stored</b> because of a storage problem on our side (not your fault). "
              "It is not part of the complaint; your complaint now has {count} photo(s). You can go on without it, "
              "or send it again later.",
    },
    "bot.file.photos_cleared": {"id": "Semua foto dihapus dari laporan.", "en": "All photos were removed."},
    "bot.file.photos_expected": {
        "id": "Di langkah ini saya menunggu <b>foto</b>. Tekan <b>Selesai</b> atau <b>Lewati</b> untuk lanjut.",
        "en": "At this step I am waiting for <b>photos</b>. Press <b>Done</b> or <b>Skip</b> to go on.",
    },
    "bot.kb.photos_done": {"id": "✅ Selesai ({count} foto)", "en": "✅ Done ({count} photos)"},
    "bot.kb.photos_skip": {"id": "⏭ Lewati", "en": "⏭ Skip"},
    "bot.kb.photos_clear": {"id": "🗑 Hapus semua foto", "en": "🗑 Remove all photos"},
    # --- unsupported content --------------------------------------------------------------
    "bot.content.sticker": {
        "id": "Stiker tidak bisa dipakai sebagai bukti. Kirim foto ya.",
        "en": "Stickers cannot be used as evidence. Please send a photo.",
    },
    "bot.content.voice": {
        "id": "Pesan suara belum bisa saya proses. Silakan tuliskan pesan Anda.",
        "en": "I cannot process voice messages yet. Please write your message.",
    },
    "bot.content.video": {
        "id": "Video belum bisa diterima. Kirim beberapa foto saja ya.",
        "en": "Videos cannot be accepted yet. Please send a few photos instead.",
    },
    "bot.content.document": {
        "id": "Berkas jenis ini tidak bisa diterima. Yang bisa: foto, atau berkas gambar JPEG/PNG.",
        "en": "This kind of file cannot be accepted. Photos, or JPEG/PNG image files, can.",
    },
    "bot.content.other": {
        "id": "Pesan jenis ini tidak bisa saya proses.", "en": "I cannot process this kind of message.",
    },
    # --- filing: location -----------------------------------------------------------------
    "bot.file.location": {
        "id": "<b>Langkah 4/5.</b> Di mana lokasinya? Tekan <b>📍 Kirim lokasi</b> (nyalakan GPS), atau bagikan "
              "titik lokasi lewat 📎 ➜ Lokasi.\nTidak bisa memakai GPS? Tekan <b>✍️ Ketik alamat</b>.",
        "en": "<b>Step 4/5.</b> Where is it? Press <b>📍 Send location</b> (turn on GPS), or share a point "
              "via 📎 ➜ Location.\nNo GPS? Press <b>✍️ Type an address</b>.",
    },
    "bot.kb.send_location": {"id": "📍 Kirim lokasi", "en": "📍 Send location"},
    "bot.kb.type_address": {"id": "✍️ Ketik alamat", "en": "✍️ Type an address"},
    "bot.file.location.placeholder": {"id": "Kirim lokasi atau ketik alamat", "en": "Send a location or type an address"},
    "bot.file.address": {
        "id": "Tuliskan alamatnya selengkap mungkin: nama jalan/gang, RT/RW, desa atau kelurahan, kecamatan "
              "({min}–{max} karakter).",
        "en": "Type the address as fully as you can: street, RT/RW, village, district ({min}–{max} characters).",
    },
    "bot.file.address.too_short": {
        "id": "Alamatnya terlalu singkat. Sebutkan minimal jalan atau dusun dan nama desanya.",
        "en": "That address is too short. Give at least the street or hamlet and the village name.",
    },
    "bot.file.address.too_long": {
        "id": "Alamatnya terlalu panjang (maksimal {max} karakter). Mohon diringkas.",
        "en": "That address is too long (at most {max} characters). Please shorten it.",
    },
    "bot.file.outside": {
        "id": "Titik itu berada di luar wilayah {regency}, jadi belum bisa kami tangani. Kirim lokasi lain di "
              "dalam wilayah {regency}, atau ketik alamatnya.",
        "en": "That point is outside {regency}, so we cannot handle it. Send another location inside {regency}, "
              "or type the address.",
    },
    "bot.file.location_saved": {"id": "📍 Lokasi diterima: <b>{place}</b>.", "en": "📍 Location received: <b>{place}</b>."},
    "bot.file.address_typed": {"id": "📝 Alamat yang Anda tulis:\n<i>{address}</i>",
                               "en": "📝 The address you typed:\n<i>{address}</i>"},
    "bot.file.address_guess": {
        "id": "🔎 Perkiraan desa: <b>{place}</b>\nBenar di desa ini? Bila bukan, pilih desanya.",
        "en": "🔎 Probable village: <b>{place}</b>\nIs it in this village? If not, pick the village.",
    },
    "bot.file.address_no_guess": {
        "id": "Desanya belum bisa saya kenali dari alamat itu. Pilih desanya, atau tekan <b>Saya tidak tahu</b>: "
              "admin kabupaten akan meneruskan aduan Anda ke instansi yang tepat.",
        "en": "I could not tell the village from that address. Pick the village, or press <b>I don't know</b>: "
              "the regency's admin team will route your complaint to the right office.",
    },
    "bot.file.village_chosen": {"id": "📍 Desa: <b>{place}</b> ✓", "en": "📍 Village: <b>{place}</b> ✓"},
    "bot.file.village_unknown": {
        "id": "📍 Desa: belum diketahui. Admin kabupaten akan meneruskan aduan Anda ke instansi yang tepat.",
        "en": "📍 Village: not known. The regency's admin team will route your complaint to the right office.",
    },
    "bot.file.pick_kecamatan": {
        "id": "Pilih <b>kecamatan</b>nya (halaman {page}/{pages}), atau ketik nama desanya.",
        "en": "Pick the <b>district</b> (kecamatan; page {page}/{pages}), or type the village's name.",
    },
    "bot.file.pick_desa": {
        "id": "Pilih <b>desa</b> di Kec. {kecamatan} (halaman {page}/{pages}).",
        "en": "Pick the <b>village</b> in {kecamatan} district (page {page}/{pages}).",
    },
    "bot.file.village_search": {
        "id": "Desa yang namanya mirip \"{query}\":", "en": "Villages with a name like \"{query}\":",
    },
    "bot.file.village_search_none": {
        "id": "Tidak ada desa bernama \"{query}\". Coba ketik nama lain, atau pilih dari daftar kecamatan.",
        "en": "No village is called \"{query}\". Try another name, or pick from the list of districts.",
    },
    "bot.kb.village_yes": {"id": "✅ Ya, {desa}", "en": "✅ Yes, {desa}"},
    "bot.kb.village_pick": {"id": "🔎 Pilih desa", "en": "🔎 Pick the village"},
    "bot.kb.village_other": {"id": "🔎 Bukan, pilih desa lain", "en": "🔎 No, pick another village"},
    "bot.kb.village_unknown": {"id": "❓ Saya tidak tahu desanya", "en": "❓ I don't know the village"},
    "bot.kb.village_list": {"id": "📋 Daftar kecamatan", "en": "📋 List of districts"},
    "bot.file.location_expected": {
        "id": "Di langkah ini saya menunggu <b>lokasi</b>. Tekan 📍 Kirim lokasi, atau ketik alamatnya.",
        "en": "At this step I am waiting for a <b>location</b>. Press 📍 Send location, or type the address.",
    },
    # --- filing: privacy ------------------------------------------------------------------
    "bot.file.privacy": {
        "id": "<b>Langkah 5/5.</b> Pilihan privasi (ketuk untuk mengubah):\n"
              "• <b>Anonim</b>: nama Anda tidak ditampilkan kepada petugas.\n"
              "• <b>Rahasia</b>: isi aduan tidak pernah ditampilkan untuk umum.",
        "en": "<b>Step 5/5.</b> Privacy choices (tap to change):\n"
              "• <b>Anonymous</b>: officials do not see your name.\n"
              "• <b>Confidential</b>: the complaint is never shown to the public.",
    },
    "bot.file.privacy.photos": {
        "id": "• <b>Foto publik</b>: foto Anda boleh ditampilkan di halaman publik aduan (tanpa nama Anda). "
              "Bawaannya tidak.",
        "en": "• <b>Public photos</b>: your photos may be shown on the complaint's public page (without your "
              "name). Off unless you turn it on.",
    },
    "bot.file.privacy.then": {"id": "Lalu tekan <b>Lanjut</b>.", "en": "Then press <b>Next</b>."},
    "bot.kb.photos_public": {"id": "{mark} Foto publik", "en": "{mark} Public photos"},
    "bot.kb.anonymous": {"id": "{mark} Anonim", "en": "{mark} Anonymous"},
    "bot.kb.confidential": {"id": "{mark} Rahasia", "en": "{mark} Confidential"},
    "bot.kb.next": {"id": "➡️ Lanjut", "en": "➡️ Next"},
    # --- filing: summary ------------------------------------------------------------------
    "bot.summary.title": {"id": "<b>Periksa laporan Anda</b>\n\n", "en": "<b>Check your report</b>\n\n"},
    "bot.summary.details": {
        "id": "<b>Kategori:</b> {category}\n<b>Cerita:</b> {description}\n"
              "<b>Foto:</b> {photos}\n<b>Lokasi:</b> {place}\n<b>Anonim:</b> {anonymous} · <b>Rahasia:</b> {confidential}\n"
              "<b>Akan ditangani:</b> {office}",
        "en": "<b>Category:</b> {category}\n<b>Description:</b> {description}\n"
              "<b>Photos:</b> {photos}\n<b>Location:</b> {place}\n<b>Anonymous:</b> {anonymous} · "
              "<b>Confidential:</b> {confidential}\n<b>Handled by:</b> {office}",
    },
    "bot.summary.photos_public": {"id": "\n<b>Foto boleh tampil di halaman publik:</b> {value}",
                                  "en": "\n<b>Photos may be shown publicly:</b> {value}"},
    "bot.summary.ask": {"id": "\n\nSudah benar? Tekan <b>Kirim</b>.", "en": "\n\nAll correct? Press <b>Send</b>."},
    "bot.summary.on_behalf": {"id": "\n<b>Atas nama:</b> {desa}", "en": "\n<b>On behalf of:</b> {desa}"},
    "bot.yes": {"id": "ya", "en": "yes"},
    "bot.no": {"id": "tidak", "en": "no"},
    "bot.place.unknown": {"id": "belum diketahui", "en": "not known yet"},
    "bot.place.typed": {"id": "{address}\n↳ desa: {village}", "en": "{address}\n↳ village: {village}"},
    "bot.place.no_village": {"id": "belum diketahui (admin kabupaten akan meneruskan aduan ke instansi yang tepat)",
                             "en": "not known (the regency's admin team will route the complaint)"},
    "bot.office.admin": {"id": "tim admin (akan diteruskan ke instansi yang tepat)",
                         "en": "the admin team (who will route it to the right office)"},
    "bot.kb.confirm": {"id": "✅ Kirim", "en": "✅ Send"},
    "bot.kb.edit": {"id": "✏️ Ubah", "en": "✏️ Edit"},
    "bot.kb.cancel": {"id": "❌ Batal", "en": "❌ Cancel"},
    "bot.edit.prompt": {"id": "Bagian mana yang ingin diubah?", "en": "What would you like to change?"},
    "bot.kb.edit.category": {"id": "Kategori", "en": "Category"},
    "bot.kb.edit.description": {"id": "Cerita", "en": "Description"},
    "bot.kb.edit.photos": {"id": "Foto", "en": "Photos"},
    "bot.kb.edit.location": {"id": "Lokasi", "en": "Location"},
    "bot.kb.edit.privacy": {"id": "Privasi", "en": "Privacy"},
    "bot.file.incomplete": {
        "id": "Laporan belum lengkap; mari lengkapi dulu.", "en": "The report is not complete yet; let us finish it.",
    },
    # --- filing: done ---------------------------------------------------------------------
    "bot.filed": {
        "id": "✅ <b>Aduan Anda sudah kami terima.</b>\nKode aduan: <code>{code}</code>\n\n"
              "Akan ditangani oleh <b>{office}</b>, yang wajib menanggapi maksimal <b>{window}</b> setelah "
              "aduan diteruskan. Anda akan menerima pesan di sini setiap ada perkembangan.\n"
              "Simpan kodenya; ketik <code>{code}</code> kapan saja untuk melihat statusnya.",
        "en": "✅ <b>We have received your complaint.</b>\nTracking code: <code>{code}</code>\n\n"
              "It will be handled by <b>{office}</b>, which must respond within <b>{window}</b> of receiving it. "
              "You will get a message here at every step.\n"
              "Keep the code; type <code>{code}</code> any time to see its status.",
    },
    "bot.filed.already": {
        "id": "Aduan ini sudah terkirim dengan kode {code}.",
        "en": "This complaint was already sent with code {code}.",
    },
    "bot.cancelled": {"id": "Laporan dibatalkan. Tidak ada yang dikirim.", "en": "Report discarded. Nothing was sent."},
    "bot.nothing_to_cancel": {"id": "Tidak ada laporan yang sedang diisi.", "en": "You are not writing a report."},
    # --- follow-up ------------------------------------------------------------------------
    "bot.mine.empty": {
        "id": "Anda belum punya aduan. Ketik /lapor untuk membuat aduan pertama.",
        "en": "You have no complaints yet. Type /report to file your first one.",
    },
    "bot.mine.head": {"id": "<b>Aduan Anda</b> ({total}) — halaman {page}/{pages}",
                      "en": "<b>Your complaints</b> ({total}) — page {page}/{pages}"},
    "bot.mine.item": {"id": "<code>{code}</code> · {category}\n   {status} · {age}",
                      "en": "<code>{code}</code> · {category}\n   {status} · {age}"},
    "bot.mine.hint": {"id": "Ketuk sebuah kode untuk melihat riwayatnya.", "en": "Tap a code to see its history."},
    "bot.kb.prev": {"id": "‹ Sebelumnya", "en": "‹ Previous"},
    "bot.kb.next_page": {"id": "Berikutnya ›", "en": "Next ›"},
    "bot.kb.refresh": {"id": "🔄 Perbarui", "en": "🔄 Refresh"},
    "bot.kb.my_list": {"id": "📋 Aduan saya", "en": "📋 My complaints"},
    "bot.status.not_found": {
        "id": "Kode <code>{code}</code> tidak ditemukan di antara aduan Anda. Periksa lagi kodenya.",
        "en": "Code <code>{code}</code> was not found among your complaints. Please check the code.",
    },
    "bot.status.head": {
        "id": "📄 <b>Aduan <code>{code}</code></b>\n<b>Kategori:</b> {category}\n<b>Status:</b> {status}\n"
              "<b>Ditangani:</b> {office}\n<b>Dibuat:</b> {created}",
        "en": "📄 <b>Complaint <code>{code}</code></b>\n<b>Category:</b> {category}\n<b>Status:</b> {status}\n"
              "<b>Handled by:</b> {office}\n<b>Filed:</b> {created}",
    },
    "bot.status.due": {"id": "\n<b>Batas tanggapan:</b> {due}", "en": "\n<b>Response due:</b> {due}"},
    "bot.status.resolution_due": {"id": "\n<b>Target selesai:</b> {due}", "en": "\n<b>Resolution due:</b> {due}"},
    "bot.status.place": {"id": "\n<b>Lokasi:</b> {place}", "en": "\n<b>Location:</b> {place}"},
    "bot.status.description": {"id": "\n<b>Cerita:</b> {description}", "en": "\n<b>Description:</b> {description}"},
    "bot.status.history": {"id": "\n<b>Riwayat</b>", "en": "\n<b>History</b>"},
    "bot.status.history_row": {"id": "• {when} — {status}{office}", "en": "• {when} — {status}{office}"},
    "bot.status.history_note": {"id": "\n   <i>{note}</i>", "en": "\n   <i>{note}</i>"},
    "bot.status.internal": {"id": " (internal)", "en": " (internal)"},
    "bot.status.earlier": {"id": "…", "en": "…"},
    "bot.office.pending": {"id": "menunggu penerusan", "en": "waiting to be routed"},
    # --- contacts -------------------------------------------------------------------------
    "bot.contacts.head": {"id": "<b>Kontak pengaduan OPD</b>", "en": "<b>Office complaint contacts</b>"},
    "bot.contacts.none": {"id": "Belum ada kontak OPD yang tercatat.", "en": "No office contacts are listed yet."},
    "bot.contacts.hotline": {"id": "☎️ {value}", "en": "☎️ {value}"},
    "bot.contacts.whatsapp": {"id": "💬 WhatsApp {value}", "en": "💬 WhatsApp {value}"},
    "bot.contacts.email": {"id": "✉️ {value}", "en": "✉️ {value}"},
    # --- commands menu (setMyCommands) ----------------------------------------------------
    "bot.cmd.start": {"id": "Mulai dan menu utama", "en": "Start and main menu"},
    "bot.cmd.file": {"id": "Buat aduan baru", "en": "File a new complaint"},
    "bot.cmd.mine": {"id": "Aduan saya", "en": "My complaints"},
    "bot.cmd.contacts": {"id": "Kontak pengaduan OPD", "en": "Office contacts"},
    "bot.cmd.cancel": {"id": "Batalkan laporan yang sedang diisi", "en": "Discard the report in progress"},
    "bot.cmd.help": {"id": "Bantuan", "en": "Help"},
    "bot.cmd.language": {"id": "Ganti bahasa", "en": "Change language"},
    "bot.cmd.village": {"id": "Aduan untuk desa saya", "en": "My village's complaints"},
    "bot.contacts.page": {"id": "Halaman {page}/{pages}", "en": "Page {page}/{pages}"},
    # --- the process ----------------------------------------------------------------------
    "bot.no_token": {
        "id": "TELEGRAM_BOT_TOKEN belum diisi. Buat bot lewat @BotFather (atau pakai token sandbox lokal), lalu "
              "isi TELEGRAM_BOT_TOKEN di lingkungan atau berkas .env.",
        "en": "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather (or use the local sandbox's token) and "
              "set TELEGRAM_BOT_TOKEN in the environment or the .env file.",
    },
    "bot.bad_webhook_secret": {
        "id": "Mode webhook butuh TELEGRAM_WEBHOOK_SECRET (1–256 karakter: huruf, angka, _ dan -).",
        "en": "Webhook mode needs TELEGRAM_WEBHOOK_SECRET (1-256 characters: letters, digits, _ and -).",
    },
}
