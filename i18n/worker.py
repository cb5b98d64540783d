"""Texts the worker sends: office notices, reminders, escalations, reports, auto-close (HTML).

Values are str.format templates; callers escape user text (descriptions, names) first.
"""

MESSAGES = {
    # --- notices to the office that must act ----------------------------------------------
    "worker.notice.assigned": {
        "id": "🆕 <b>Aduan baru {code}</b> untuk {office}",
        "en": "🆕 <b>New complaint {code}</b> for {office}",
    },
    "worker.notice.forwarded": {
        "id": "↪️ <b>Aduan {code} dialihkan ke {office}</b>",
        "en": "↪️ <b>Complaint {code} was forwarded to {office}</b>",
    },
    "worker.notice.forward_note": {"id": "Catatan disposisi: <i>{note}</i>", "en": "Forwarding note: <i>{note}</i>"},
    "worker.notice.category": {"id": "Kategori: {category}", "en": "Category: {category}"},
    "worker.notice.place": {"id": "Lokasi: {place}", "en": "Location: {place}"},
    "worker.notice.reporter": {"id": "Pelapor: {reporter}", "en": "Reporter: {reporter}"},
    "worker.notice.anonymous": {"id": "Pelapor: dirahasiakan", "en": "Reporter: withheld"},
    "worker.notice.village_head": {"id": "Pelapor: {reporter} (perangkat desa)", "en": "Reporter: {reporter} (village office)"},
    "worker.notice.respond_by": {
        "id": "Mohon ditanggapi paling lambat <b>{due}</b>.",
        "en": "Please respond by <b>{due}</b>.",
    },
    "worker.notice.link": {"id": "🔗 <a href=\"{link}\">Buka aduan di panel</a>", "en": "🔗 <a href=\"{link}\">Open it in the panel</a>"},
    "worker.place.unknown": {"id": "belum diketahui", "en": "not known yet"},
    "worker.category.unknown": {"id": "belum dipilih", "en": "not chosen"},
    # --- reminders before a deadline -----------------------------------------------------------
    "worker.reminder.response": {
        "id": "⏰ <b>Pengingat: aduan {code} belum ditanggapi</b>\nBatas waktu tanggapan: <b>{due}</b> ({remaining}).",
        "en": "⏰ <b>Reminder: complaint {code} has no response yet</b>\nResponse deadline: <b>{due}</b> ({remaining}).",
    },
    "worker.reminder.resolution": {
        "id": "⏰ <b>Pengingat: aduan {code} belum diselesaikan</b>\nBatas waktu penyelesaian: <b>{due}</b> ({remaining}).",
        "en": "⏰ <b>Reminder: complaint {code} is not resolved yet</b>\nResolution deadline: <b>{due}</b> ({remaining}).",
    },
    # --- a deadline passed ---------------------------------------------------------------------
    "worker.overdue.office.response": {
        "id": "⚠️ <b>Aduan {code} melewati batas waktu tanggapan</b> ({due}, {late}).\n"
              "Hal ini sudah dilaporkan ke admin utama dan pimpinan. Mohon segera ditanggapi.",
        "en": "⚠️ <b>Complaint {code} is past its response deadline</b> ({due}, {late}).\n"
              "The main admin and leadership have been told. Please respond now.",
    },
    "worker.overdue.office.resolution": {
        "id": "⚠️ <b>Aduan {code} melewati batas waktu penyelesaian</b> ({due}, {late}).\n"
              "Hal ini sudah dilaporkan ke admin utama dan pimpinan.",
        "en": "⚠️ <b>Complaint {code} is past its resolution deadline</b> ({due}, {late}).\n"
              "The main admin and leadership have been told.",
    },
    "worker.escalation.response": {
        "id": "🚨 <b>Eskalasi: aduan {code} belum ditanggapi</b>\n{office} belum menanggapi sampai batas waktu {due} ({late}).",
        "en": "🚨 <b>Escalation: complaint {code} has no response</b>\n{office} did not respond by {due} ({late}).",
    },
    "worker.escalation.resolution": {
        "id": "🚨 <b>Eskalasi: aduan {code} belum diselesaikan</b>\n{office} belum menyelesaikan sampai batas waktu {due} ({late}).",
        "en": "🚨 <b>Escalation: complaint {code} is not resolved</b>\n{office} did not resolve it by {due} ({late}).",
    },
    "worker.escalation.note.response": {
        "id": "Batas waktu tanggapan terlewati; dilaporkan ke admin utama dan pimpinan.",
        "en": "Response deadline missed; reported to the main admin and leadership.",
    },
    "worker.escalation.note.resolution": {
        "id": "Batas waktu penyelesaian terlewati; dilaporkan ke admin utama dan pimpinan.",
        "en": "Resolution deadline missed; reported to the main admin and leadership.",
    },
    # --- automatic closing ----------------------------------------------------------------------
    "worker.autoclose.note": {
        "id": "Ditutup otomatis: pelapor tidak memberi penilaian dalam {days} hari setelah selesai.",
        "en": "Closed automatically: the reporter did not rate it within {days} days of resolution.",
    },
    "worker.autoclose.reporter": {
        "id": "📁 Aduan <b>{code}</b> kami tutup karena tidak ada tanggapan dari Anda dalam {days} hari "
              "setelah dinyatakan selesai. Terima kasih sudah melapor.\n\n"
              "Jika masalahnya ternyata belum beres, Anda masih dapat membuka kembali aduan ini "
              "dalam {reopen_days} hari. Ketik <code>{code}</code> untuk melihat riwayatnya.",
        "en": "📁 We closed complaint <b>{code}</b> because we did not hear from you within {days} days "
              "of it being resolved. Thank you for reporting.\n\n"
              "If the problem is not actually fixed, you can still reopen it within {reopen_days} days. "
              "Type <code>{code}</code> to see its history.",
    },
    # --- the periodic report --------------------------------------------------------------------
    "worker.report.title": {
        "id": "📊 <b>Laporan kepatuhan layanan aduan</b>\n{regency}\nPeriode {start} – {end}",
        "en": "📊 <b>Complaint service compliance report</b>\n{regency}\nPeriod {start} – {end}",
    },
    "worker.report.received": {"id": "Aduan masuk: <b>{received}</b>", "en": "Complaints received: <b>{received}</b>"},
    "worker.report.on_time": {
        "id": "Ditanggapi tepat waktu: <b>{on_time}</b> dari {due} yang jatuh tempo ({rate}%)",
        "en": "Answered on time: <b>{on_time}</b> of {due} due ({rate}%)",
    },
    "worker.report.nothing_due": {
        "id": "Ditanggapi tepat waktu: — (tidak ada yang jatuh tempo)",
        "en": "Answered on time: — (nothing was due)",
    },
    "worker.report.overdue": {
        "id": "Terlambat saat ini: <b>{overdue}</b> aduan di {offices} instansi",
        "en": "Overdue now: <b>{overdue}</b> complaints at {offices} offices",
    },
    "worker.report.rating_total": {
        "id": "Penilaian pelapor: rata-rata {rating} ({count} penilaian)",
        "en": "Reporters' rating: average {rating} ({count} ratings)",
    },
    "worker.report.reopened_total": {"id": "Dibuka kembali oleh pelapor: {count}",
                                     "en": "Reopened by the reporter: {count}"},
    "worker.report.most_overdue": {"id": "<b>Terlambat terbanyak</b>", "en": "<b>Most overdue</b>"},
    "worker.report.line": {"id": "• {office}: {overdue} terlambat · {on_time}",
                           "en": "• {office}: {overdue} overdue · {on_time}"},
    "worker.report.line_on_time": {"id": "{on_time} dari {due} tepat waktu", "en": "{on_time} of {due} on time"},
    "worker.report.line_nothing_due": {"id": "tidak ada yang jatuh tempo", "en": "nothing due"},
    "worker.report.none": {
        "id": "Tidak ada aduan masuk atau terlambat pada periode ini.",
        "en": "No complaints were received or overdue in this period.",
    },
    "worker.report.link": {
        "id": "Rincian per OPD dan desa, grafik, cetak dan CSV: <a href=\"{url}\">buka laporan di panel</a>",
        "en": "Details per office and village, chart, print and CSV: <a href=\"{url}\">open the report in the panel</a>",
    },
    # --- messages the sender gave up on after a long Telegram outage (workers.sweeps) -----------
    "worker.undelivered.head": {
        "id": "⚠️ <b>{count} pesan tidak terkirim.</b> Telegram terus gagal menerimanya (gangguan sementara) "
              "selama {hours} jam, jadi pengiriman dihentikan:",
        "en": "⚠️ <b>{count} messages were not delivered.</b> Telegram kept failing to take them (temporary "
              "errors) for {hours} hours, so sending stopped:",
    },
    "worker.undelivered.row": {"id": "• ke {to} ({kind}), aduan {code}", "en": "• to {to} ({kind}), complaint {code}"},
    "worker.undelivered.more": {"id": "• dan {count} pesan lain", "en": "• and {count} more"},
    "worker.undelivered.tail": {
        "id": "Pesan-pesan ini ditandai \"Gagal\" di panel. Mohon sampaikan isinya dengan cara lain.",
        "en": "They are marked \"Failed\" in the panel. Please pass their content on another way.",
    },
}
