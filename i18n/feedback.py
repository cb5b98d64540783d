"""Texts of closing the loop: the reporter confirms, rates, reopens or adds information (HTML).

Values are str.format templates; callers escape people's text (reasons, comments) first.
"""

MESSAGES = {
    # --- the "resolved" message and its buttons ---------------------------------------------------
    "feedback.resolved.ask": {
        "id": "\n\n<b>Apakah masalahnya sudah benar-benar beres?</b>\nMohon pilih salah satu tombol di bawah. "
              "Jika dalam {days} hari tidak ada jawaban, aduan ini akan ditutup otomatis.",
        "en": "\n\n<b>Is the problem really fixed?</b>\nPlease choose one of the buttons below. "
              "Without an answer within {days} days the complaint is closed automatically.",
    },
    "feedback.kb.yes": {"id": "✅ Sudah beres", "en": "✅ Yes, it is fixed"},
    "feedback.kb.no": {"id": "❌ Belum beres", "en": "❌ Not fixed"},
    "feedback.kb.reopen": {"id": "🔁 Buka kembali aduan", "en": "🔁 Reopen the complaint"},
    "feedback.kb.add_info": {"id": "➕ Tambah informasi", "en": "➕ Add information"},
    "feedback.kb.stars": {"id": "{n} ⭐", "en": "{n} ⭐"},
    "feedback.kb.skip": {"id": "⏭ Lewati", "en": "⏭ Skip"},
    "feedback.kb.no_photo": {"id": "⏭ Kirim tanpa foto", "en": "⏭ Send without a photo"},
    "feedback.kb.cancel": {"id": "✖️ Batal", "en": "✖️ Cancel"},
    # --- confirm and rate ----------------------------------------------------------------------
    "feedback.confirmed": {
        "id": "🙏 Terima kasih! Aduan <b>{code}</b> kami tutup sebagai selesai.\n\n"
              "Bagaimana penilaian Anda atas penanganan aduan ini oleh <b>{office}</b>? "
              "Pilih 1 (buruk) sampai 5 (sangat baik).",
        "en": "🙏 Thank you! We closed complaint <b>{code}</b> as resolved.\n\n"
              "How would you rate the way <b>{office}</b> handled it? "
              "Choose 1 (poor) to 5 (very good).",
    },
    "feedback.rated": {
        "id": "Anda memberi nilai <b>{stars}</b> untuk penanganan aduan <b>{code}</b>.",
        "en": "You rated the handling of complaint <b>{code}</b> <b>{stars}</b>.",
    },
    "feedback.ask_comment": {
        "id": "Ada saran atau komentar untuk {office}? Ketik saja di sini (paling banyak {max} karakter), "
              "atau tekan Lewati.",
        "en": "Any suggestion or comment for {office}? Just type it here (at most {max} characters), "
              "or press Skip.",
    },
    "feedback.comment.expected": {
        "id": "Silakan ketik komentar Anda, atau tekan Lewati.",
        "en": "Please type your comment, or press Skip.",
    },
    "feedback.comment.too_long": {
        "id": "Komentarnya terlalu panjang. Mohon persingkat menjadi paling banyak {max} karakter.",
        "en": "That comment is too long. Please keep it to {max} characters at most.",
    },
    "feedback.comment.too_short": {
        "id": "Komentarnya kosong. Silakan ketik komentar Anda, atau tekan Lewati.",
        "en": "The comment is empty. Please type your comment, or press Skip.",
    },
    "feedback.thanks": {
        "id": "🙏 Terima kasih atas penilaian Anda. Masukan Anda membantu pelayanan menjadi lebih baik.",
        "en": "🙏 Thank you for your rating. Your feedback helps improve the service.",
    },
    # --- not fixed: reopening ------------------------------------------------------------------
    "feedback.ask_reason": {
        "id": "Mohon maaf masalahnya belum beres. 🙏\n\nCeritakan apa yang masih belum beres pada aduan "
              "<b>{code}</b> (paling sedikit {min} karakter). Anda juga boleh mengirim foto kondisi terkini "
              "dengan penjelasan sebagai keterangan fotonya.",
        "en": "We are sorry it is not fixed. 🙏\n\nPlease tell us what is still wrong with complaint "
              "<b>{code}</b> (at least {min} characters). You may also send a photo of how it looks now, "
              "with your explanation as its caption.",
    },
    "feedback.reason.too_short": {
        "id": "Penjelasannya terlalu singkat. Mohon tulis paling sedikit {min} karakter agar petugas paham "
              "apa yang masih kurang.",
        "en": "That is too short. Please write at least {min} characters so the office understands what is "
              "still wrong.",
    },
    "feedback.reason.too_long": {
        "id": "Penjelasannya terlalu panjang. Mohon persingkat menjadi paling banyak {max} karakter.",
        "en": "That is too long. Please keep it to {max} characters at most.",
    },
    "feedback.reason.expected": {
        "id": "Mohon ketik apa yang masih belum beres (atau kirim foto dengan keterangannya).",
        "en": "Please type what is still wrong (or send a photo with a caption).",
    },
    "feedback.photo.kept": {
        "id": "📷 Fotonya sudah kami terima. Sekarang mohon tuliskan apa yang masih belum beres.",
        "en": "📷 We have the photo. Now please write what is still wrong.",
    },
    "feedback.ask_photo": {
        "id": "Ada foto kondisi terkini? Kirim satu foto, atau tekan «Kirim tanpa foto».",
        "en": "Do you have a photo of how it looks now? Send one, or press «Send without a photo».",
    },
    "feedback.photo.expected": {
        "id": "Mohon kirim foto, atau tekan «Kirim tanpa foto».",
        "en": "Please send a photo, or press «Send without a photo».",
    },
    "feedback.photo.failed": {
        "id": "Maaf, foto itu tidak bisa kami simpan (bukan gambar atau terlalu besar). Coba foto lain.",
        "en": "Sorry, we could not keep that photo (not a picture, or too big). Please try another one.",
    },
    "feedback.reopened": {
        "id": "🔁 Aduan <b>{code}</b> dibuka kembali dan dikembalikan ke <b>{office}</b>. Mereka wajib "
              "menanggapi paling lambat {due}. Kami akan mengabari Anda setiap ada perkembangan.",
        "en": "🔁 Complaint <b>{code}</b> was reopened and sent back to <b>{office}</b>. They must respond "
              "by {due}. We will tell you about every change.",
    },
    "feedback.reopened.admin": {
        "id": "🔁 Aduan <b>{code}</b> dibuka kembali. Karena sudah {count} kali dibuka kembali, penanganannya "
              "kini diserahkan ke admin utama (<b>{office}</b>). Kami akan mengabari Anda setiap ada perkembangan.",
        "en": "🔁 Complaint <b>{code}</b> was reopened. As it has now been reopened {count} times, the main "
              "admin (<b>{office}</b>) takes it over. We will tell you about every change.",
    },
    # --- adding information to an open complaint -------------------------------------------------
    "feedback.ask_info": {
        "id": "Tulis informasi tambahan untuk aduan <b>{code}</b>, atau kirim foto (boleh dengan keterangan). "
              "Informasi ini akan diteruskan ke {office}.",
        "en": "Write more information for complaint <b>{code}</b>, or send a photo (a caption is welcome). "
              "It will be passed on to {office}.",
    },
    "feedback.info.expected": {
        "id": "Mohon kirim teks atau foto, atau tekan Batal.",
        "en": "Please send text or a photo, or press Cancel.",
    },
    "feedback.info.too_short": {
        "id": "Informasinya terlalu singkat. Mohon tulis paling sedikit {min} karakter.",
        "en": "That is too short. Please write at least {min} characters.",
    },
    "feedback.info.too_long": {
        "id": "Informasinya terlalu panjang. Mohon persingkat menjadi paling banyak {max} karakter.",
        "en": "That is too long. Please keep it to {max} characters at most.",
    },
    "feedback.info.added": {
        "id": "📝 Informasi tambahan untuk aduan <b>{code}</b> sudah kami simpan dan diteruskan ke <b>{office}</b>.",
        "en": "📝 Your information for complaint <b>{code}</b> was saved and passed on to <b>{office}</b>.",
    },
    "feedback.cancelled": {
        "id": "Dibatalkan. Aduan Anda tidak berubah.", "en": "Cancelled. Your complaint is unchanged.",
    },
    # --- refusals (button answers: at most 200 characters) -----------------------------------------
    "feedback.refused.not_reporter": {
        "id": "Hanya pelapor aduan ini yang dapat menggunakan tombol ini.",
        "en": "Only the person who reported this complaint can use this button.",
    },
    "feedback.refused.stale": {
        "id": "Tombol ini sudah tidak berlaku: status aduan {code} sekarang {status}.",
        "en": "This button is no longer valid: complaint {code} is now {status}.",
    },
    "feedback.refused.already_rated": {
        "id": "Anda sudah memberi nilai untuk aduan ini. Terima kasih!",
        "en": "You have already rated this complaint. Thank you!",
    },
    "feedback.refused.window_closed": {
        "id": "Batas waktu membuka kembali aduan {code} sudah lewat. Silakan buat aduan baru dengan /lapor.",
        "en": "The time to reopen complaint {code} has passed. Please file a new one with /report.",
    },
    "feedback.refused.not_open": {
        "id": "Aduan {code} sudah {status}, jadi informasi tambahan tidak dapat ditambahkan lagi.",
        "en": "Complaint {code} is {status}, so no more information can be added.",
    },
    "feedback.changed_meanwhile": {
        "id": "Maaf, aduan <b>{code}</b> sudah berubah (sekarang: {status}), jadi tidak kami ubah. "
              "Tulisan Anda, bila ingin dipakai lagi:\n<i>{text}</i>",
        "en": "Sorry, complaint <b>{code}</b> changed meanwhile (now: {status}), so we left it as it is. "
              "What you wrote, should you want it again:\n<i>{text}</i>",
    },
    # --- history notes (stored in the regency's default language) -------------------------------------
    "feedback.note.confirmed": {
        "id": "Pelapor menyatakan masalah sudah beres.", "en": "The reporter confirmed the problem is fixed.",
    },
    "feedback.note.rated": {"id": "Penilaian pelapor: {stars}/5", "en": "Reporter's rating: {stars}/5"},
    "feedback.note.comment": {"id": "Komentar pelapor: {comment}", "en": "Reporter's comment: {comment}"},
    "feedback.note.handover": {
        "id": "Dibuka kembali {count} kali (batas {limit} kali): diserahkan ke admin utama.",
        "en": "Reopened {count} times (limit {limit}): handed over to the main admin.",
    },
    "feedback.note.handover_reason": {"id": "Alasan pelapor: {reason}", "en": "The reporter's reason: {reason}"},
    # --- notices to the office ----------------------------------------------------------------------
    "feedback.office.reopened": {
        "id": "🔁 <b>Aduan {code} dibuka kembali oleh pelapor</b> (ke-{count} kali)\n"
              "Pelapor menyatakan masalahnya belum beres.",
        "en": "🔁 <b>Complaint {code} was reopened by the reporter</b> (time {count})\n"
              "The reporter says the problem is not fixed.",
    },
    "feedback.office.handed_over": {
        "id": "🔁 <b>Aduan {code} dibuka kembali oleh pelapor</b> (ke-{count} kali, melewati batas {limit} kali)\n"
              "Penanganannya kini diserahkan ke admin utama ({office}).",
        "en": "🔁 <b>Complaint {code} was reopened by the reporter</b> (time {count}, past the limit of {limit})\n"
              "The main admin ({office}) takes it over now.",
    },
    "feedback.office.escalated": {
        "id": "🚨 <b>Aduan {code} dibuka kembali {count} kali</b> (batas {limit} kali)\n"
              "Mohon admin utama turun tangan; aduan tetap ditangani {office}.",
        "en": "🚨 <b>Complaint {code} was reopened {count} times</b> (limit {limit})\n"
              "The main admin is asked to step in; {office} still handles it.",
    },
    "feedback.office.reason": {"id": "Alasan pelapor: <i>{reason}</i>", "en": "The reporter's reason: <i>{reason}</i>"},
    "feedback.office.info": {
        "id": "📝 <b>Pelapor menambahkan informasi pada aduan {code}</b>",
        "en": "📝 <b>The reporter added information to complaint {code}</b>",
    },
    "feedback.office.info_photo": {"id": "(foto terlampir)", "en": "(photo attached)"},
    # --- numbers for the dashboard and the periodic report -----------------------------------------------
    "feedback.dash.reopened": {"id": "Dibuka kembali", "en": "Reopened"},
    "feedback.report.reopened": {"id": " · dibuka kembali {count}", "en": " · reopened {count}"},
}
