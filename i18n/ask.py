"""Asking the reporter, the reporter's own words in the history, and a village head's choice
of OPD beyond the village's authority (issue 17). HTML; callers escape people's text."""

MESSAGES = {
    # --- history notes (kept in the regency's language) ---------------------------------------------
    "ask.note.question": {"id": "❓ Pertanyaan untuk pelapor: {text}", "en": "❓ Question to the reporter: {text}"},
    "ask.note.answer": {"id": "💬 Jawaban atas pertanyaan: {question}",
                        "en": "💬 Answer to the question: {question}"},
    "ask.note.location": {"id": "📍 Lokasi: {lat}, {lon}", "en": "📍 Location: {lat}, {lon}"},
    "ask.note.photos": {"id": "({n} foto)", "en": "({n} photos)"},
    "ask.note.withdrawn": {"id": "Pertanyaan untuk pelapor ditarik.", "en": "The question to the reporter was withdrawn."},
    # --- to the reporter ---------------------------------------------------------------------------------
    "ask.reporter.question": {
        "id": "❓ <b>{office}</b> bertanya tentang aduan <b>{code}</b>:\n\n<i>{question}</i>\n\n"
              "Tekan <b>Jawab</b>, lalu kirim jawaban Anda: teks, foto, atau lokasi. "
              "Membalas (reply) pesan ini juga bisa.",
        "en": "❓ <b>{office}</b> asks about complaint <b>{code}</b>:\n\n<i>{question}</i>\n\n"
              "Press <b>Answer</b>, then send your answer: text, photos or a location. "
              "Replying to this message works too.",
    },
    "ask.kb.answer": {"id": "✍️ Jawab", "en": "✍️ Answer"},
    "ask.kb.cancel": {"id": "❌ Batal", "en": "❌ Cancel"},
    "ask.bot.prompt": {
        "id": "✍️ Kirim jawaban Anda untuk aduan <b>{code}</b>: tulis teks, kirim foto (boleh beberapa sekaligus), "
              "atau bagikan lokasi (📎 → Lokasi).\n\nPertanyaannya: <i>{question}</i>",
        "en": "✍️ Send your answer for complaint <b>{code}</b>: write text, send photos (several at once is fine), "
              "or share a location (📎 → Location).\n\nThe question: <i>{question}</i>",
    },
    "ask.bot.done": {
        "id": "✅ Terima kasih. Jawaban Anda untuk aduan <b>{code}</b> sudah masuk ke aduan dan dikabarkan ke petugas.",
        "en": "✅ Thank you. Your answer for complaint <b>{code}</b> is now part of the complaint and the office "
              "has been told.",
    },
    "ask.bot.expected": {
        "id": "Kirim jawabannya sebagai teks, foto, atau lokasi, atau tekan Batal.",
        "en": "Send your answer as text, a photo or a location, or press Cancel.",
    },
    "ask.bot.cancelled": {
        "id": "Dibatalkan. Anda masih bisa menjawab nanti dengan tombol <b>Jawab</b>.",
        "en": "Cancelled. You can still answer later with the <b>Answer</b> button.",
    },
    "ask.bot.photo_failed": {
        "id": "Foto ini tidak bisa dipakai. Kirim foto lain, teks, atau lokasi.",
        "en": "This photo cannot be used. Send another photo, text or a location.",
    },
    # --- refusals (bot and panel) ------------------------------------------------------------------------
    "ask.error.not_allowed": {"id": "Anda tidak dapat bertanya tentang aduan ini.",
                              "en": "You cannot ask about this complaint."},
    "ask.error.not_open": {"id": "Aduan ini sudah selesai; tidak ada lagi pertanyaan untuk pelapor.",
                           "en": "This complaint is finished; no more questions to the reporter."},
    "ask.error.no_telegram": {"id": "Pelapor aduan ini tidak memakai Telegram.",
                              "en": "This complaint's reporter is not on Telegram."},
    "ask.error.already_asking": {"id": "Pertanyaan sebelumnya masih menunggu jawaban pelapor.",
                                 "en": "The previous question is still waiting for the reporter's answer."},
    "ask.error.empty": {"id": "Pertanyaannya kosong.", "en": "The question is empty."},
    "ask.error.too_long": {"id": "Terlalu panjang (maksimal 1000 karakter untuk pertanyaan, 2000 untuk jawaban).",
                           "en": "Too long (at most 1000 characters for a question, 2000 for an answer)."},
    "ask.error.closed": {
        "id": "Pertanyaan ini sudah tidak menunggu jawaban (sudah dijawab, ditarik, atau aduannya sudah selesai).",
        "en": "This question no longer waits for an answer (answered, withdrawn, or the complaint is finished).",
    },
    "ask.error.not_reporter": {"id": "Hanya pelapor aduan ini yang dapat menjawab.",
                               "en": "Only this complaint's reporter can answer."},
    # --- to the office ----------------------------------------------------------------------------------
    "ask.office.answered": {"id": "💬 <b>Pelapor menjawab pertanyaan tentang aduan {code}</b>",
                            "en": "💬 <b>The reporter answered the question about complaint {code}</b>"},
    "ask.office.question": {"id": "Pertanyaan: <i>{question}</i>", "en": "Question: <i>{question}</i>"},
    "ask.office.answer": {"id": "Jawaban: <i>{answer}</i>", "en": "Answer: <i>{answer}</i>"},
    "ask.notice.deadline_reset": {
        "id": "Tenggat dihitung ulang sejak pengalihan ini.",
        "en": "The deadline counts afresh from this forwarding.",
    },
    # One message to the reporter for a disposisi (status door: "forwarded" says nothing, the
    # assignment that follows says this once).
    "reporter.change.moved": {
        "id": "↪️ Aduan <b>{code}</b> dialihkan ke <b>{office}</b>, instansi yang berwenang.\n"
              "Tenggat dihitung ulang sejak pengalihan: {office} wajib menanggapi paling lambat {due}.",
        "en": "↪️ Complaint <b>{code}</b> was moved to <b>{office}</b>, the office in charge.\n"
              "The deadline counts afresh from this move: {office} must respond by {due}.",
    },
    # --- the reporter's own acts in the history -----------------------------------------------------------
    "actor.you": {"id": "Anda", "en": "You"},
    # --- village heads in the chat ----------------------------------------------------------------------
    "ask.kb.ask": {"id": "❓ Tanya pelapor", "en": "❓ Ask the reporter"},
    "ask.village.prompt": {
        "id": "❓ Tulis pertanyaan untuk pelapor aduan <b>{code}</b> (satu pesan teks). "
              "Jawabannya masuk ke aduan ini dan dikabarkan ke Anda.",
        "en": "❓ Write your question to the reporter of complaint <b>{code}</b> (one text message). "
              "The answer goes into the complaint and you will be told.",
    },
    "ask.village.sent": {"id": "✅ Pertanyaan terkirim ke pelapor aduan <b>{code}</b>.",
                         "en": "✅ Your question was sent to the reporter of complaint <b>{code}</b>."},
    "ask.village.no_telegram": {
        "id": "Pelapor aduan <b>{code}</b> tidak memakai Telegram (dicatat petugas, kanal: {channel}), "
              "jadi tidak bisa ditanya lewat bot.",
        "en": "The reporter of complaint <b>{code}</b> is not on Telegram (recorded by staff, channel: {channel}), "
              "so they cannot be asked through the bot.",
    },
    "ask.village.contact": {"id": "Hubungi langsung: {contact}", "en": "Contact them directly: {contact}"},
    "ask.village.no_contact": {"id": "Kontaknya tidak tercatat atau dirahasiakan.",
                               "en": "Their contact is not recorded or is withheld."},
    "ask.village.waiting": {"id": "⏳ Pertanyaan masih menunggu jawaban pelapor: <i>{question}</i>",
                            "en": "⏳ A question is still waiting for the reporter's answer: <i>{question}</i>"},
    "ask.card.news": {"id": "🆕 Ada informasi baru dari pelapor.", "en": "🆕 New information from the reporter."},
    "ask.card.waiting": {"id": "⏳ Menunggu jawaban pelapor sejak {since}.",
                         "en": "⏳ Waiting for the reporter's answer since {since}."},
    "ask.card.answer": {"id": "💬 Jawaban pelapor atas \"{question}\":\n<i>{answer}</i>",
                        "en": "💬 The reporter's answer to \"{question}\":\n<i>{answer}</i>"},
    "ask.card.paused": {"id": "⏸ Tenggat dihentikan sementara selama menunggu.",
                        "en": "⏸ The deadline is paused while waiting."},
    # --- a village head choosing the OPD beyond the village's authority -------------------------------------
    "ask.fw.choose": {
        "id": "↪️ Aduan <b>{code}</b> bukan wewenang desa. Pilih OPD tujuan (halaman {page}/{pages}); "
              "OPD kategori aduan ini ada di urutan pertama.",
        "en": "↪️ Complaint <b>{code}</b> is beyond the village's authority. Choose the office to send it to "
              "(page {page}/{pages}); the category's office comes first.",
    },
    "ask.fw.confirm": {
        "id": "↪️ Teruskan aduan <b>{code}</b> ke <b>{office}</b> dengan catatan:\n<i>{note}</i>\n\n"
              "Pelapor diberi tahu satu kali bahwa aduannya dialihkan ke {office}; tenggat untuk {office} "
              "dihitung ulang sejak pengalihan, dan itu disampaikan kepada pelapor dan {office}.",
        "en": "↪️ Send complaint <b>{code}</b> to <b>{office}</b> with the note:\n<i>{note}</i>\n\n"
              "The reporter is told once that it moved to {office}; {office}'s deadline counts afresh from the move, "
              "and both the reporter and {office} are told so.",
    },
    "ask.kb.send": {"id": "✅ Teruskan", "en": "✅ Send it"},
    "ask.fw.expected": {"id": "Pilih OPD tujuan dengan tombol, atau tekan Batal.",
                        "en": "Choose the office with the buttons, or press Cancel."},
    "ask.fw.confirm_expected": {"id": "Tekan <b>Teruskan</b> untuk mengirim, atau Batal.",
                                "en": "Press <b>Send it</b> to send, or Cancel."},
    # --- the panel -------------------------------------------------------------------------------------
    "panel.col.pause_when_asking": {"id": "Tenggat berhenti saat bertanya", "en": "Deadline pauses while asking"},
    "panel.help.pause_when_asking": {
        "id": "Jika dicentang, tenggat berhenti selama pertanyaan ke pelapor menunggu jawaban (paling lama "
              "ASK_PAUSE_MAX_HOURS jam) dan bergeser sebanyak waktu menunggu.",
        "en": "When ticked, the deadline stops while a question to the reporter waits for the answer (at most "
              "ASK_PAUSE_MAX_HOURS hours) and moves later by the time waited.",
    },
    "panel.action.ask": {"id": "Tanya pelapor", "en": "Ask the reporter"},
    "panel.action.ask_help": {
        "id": "Pertanyaan dikirim ke pelapor lewat Telegram; jawabannya (teks, foto, lokasi) masuk ke riwayat "
              "dan ditandai untuk kantor Anda.",
        "en": "The question goes to the reporter on Telegram; the answer (text, photos, location) goes into the "
              "history and is flagged to your office.",
    },
    "panel.action.ask_submit": {"id": "Kirim pertanyaan", "en": "Send the question"},
    "panel.form.question": {"id": "Pertanyaan untuk pelapor", "en": "Question to the reporter"},
    "panel.done.ask": {"id": "Pertanyaan tentang {code} dikirim ke pelapor.",
                       "en": "The question about {code} was sent to the reporter."},
    "panel.done.withdraw": {"id": "Pertanyaan ditarik.", "en": "The question was withdrawn."},
    "panel.ask.no_telegram": {
        "id": "Pelapor tidak memakai Telegram (kanal: {channel}), jadi tidak bisa ditanya lewat bot. "
              "Hubungi langsung:",
        "en": "The reporter is not on Telegram (channel: {channel}), so they cannot be asked through the bot. "
              "Contact them directly:",
    },
    "panel.ask.no_contact": {"id": "kontak tidak tercatat atau dirahasiakan",
                             "en": "no contact recorded, or it is withheld"},
    "panel.ask.waiting": {"id": "Menunggu jawaban pelapor sejak {since}", "en": "Waiting for the reporter since {since}"},
    "panel.ask.withdraw": {"id": "Tarik pertanyaan", "en": "Withdraw the question"},
    "panel.badge.news": {"id": "Info baru dari pelapor", "en": "New from the reporter"},
    "panel.badge.waiting": {"id": "Menunggu jawaban pelapor", "en": "Waiting for the reporter"},
    "panel.photo.answer": {"id": "Foto jawaban pelapor", "en": "Reporter's answer photo"},
    "panel.kind.question": {"id": "pertanyaan", "en": "question"},
    "ask.channel.telegram": {"id": "Telegram", "en": "Telegram"},
    "ask.channel.phone": {"id": "telepon", "en": "phone"},
    "ask.channel.whatsapp": {"id": "WhatsApp", "en": "WhatsApp"},
    "ask.channel.walk_in": {"id": "datang langsung", "en": "walk-in"},
    "ask.channel.social": {"id": "media sosial", "en": "social media"},
    "ask.channel.open311": {"id": "Open311", "en": "Open311"},
    "ask.channel.other": {"id": "lainnya", "en": "other"},
}
