"""Texts shared by bot, worker and panel: statuses and the messages of the status door."""

MESSAGES = {
    "status.new": {"id": "Baru", "en": "New"},
    "status.assigned": {"id": "Diteruskan", "en": "Assigned"},
    "status.in_progress": {"id": "Diproses", "en": "In progress"},
    "status.resolved": {"id": "Selesai", "en": "Resolved"},
    "status.closed": {"id": "Ditutup", "en": "Closed"},
    "status.rejected": {"id": "Ditolak", "en": "Rejected"},
    "status.forwarded": {"id": "Dialihkan", "en": "Forwarded"},
    "status.reopened": {"id": "Dibuka kembali", "en": "Reopened"},
    "actor.system": {"id": "Sistem", "en": "System"},
    "actor.reporter": {"id": "Pelapor", "en": "Reporter"},
    "actor.reporter_anonymous": {"id": "Pelapor (anonim)", "en": "Reporter (anonymous)"},
    # Messages to the reporter when the status door changes their complaint (HTML).
    "reporter.change.assigned": {
        "id": "📨 Aduan <b>{code}</b> sudah diteruskan ke <b>{office}</b>.\nMereka wajib menanggapi paling lambat {due}.",
        "en": "📨 Your complaint <b>{code}</b> was sent to <b>{office}</b>.\nThey must respond by {due}.",
    },
    "reporter.change.in_progress": {
        "id": "🛠 Aduan <b>{code}</b> sedang diproses oleh <b>{office}</b>.",
        "en": "🛠 Your complaint <b>{code}</b> is being handled by <b>{office}</b>.",
    },
    "reporter.change.resolved": {
        "id": "✅ <b>{office}</b> menyatakan aduan <b>{code}</b> sudah selesai.",
        "en": "✅ <b>{office}</b> says complaint <b>{code}</b> is resolved.",
    },
    "reporter.change.closed": {
        "id": "📁 Aduan <b>{code}</b> ditutup. Terima kasih sudah melapor.",
        "en": "📁 Complaint <b>{code}</b> is closed. Thank you for reporting.",
    },
    "reporter.change.rejected": {
        "id": "❌ Aduan <b>{code}</b> tidak dapat ditindaklanjuti oleh <b>{office}</b>.",
        "en": "❌ <b>{office}</b> cannot act on complaint <b>{code}</b>.",
    },
    "reporter.change.forwarded": {
        "id": "↪️ Aduan <b>{code}</b> dialihkan ke <b>{office}</b>, instansi yang berwenang.",
        "en": "↪️ Complaint <b>{code}</b> was forwarded to <b>{office}</b>, the office in charge.",
    },
    "reporter.change.reopened": {
        "id": "🔁 Aduan <b>{code}</b> dibuka kembali dan dikembalikan ke <b>{office}</b>.",
        "en": "🔁 Complaint <b>{code}</b> was reopened and sent back to <b>{office}</b>.",
    },
    "reporter.change.note": {"id": "\n\n<b>Catatan petugas:</b>\n{note}", "en": "\n\n<b>Note from the office:</b>\n{note}"},
    "reporter.change.reason": {"id": "\n\n<b>Alasan:</b>\n{note}", "en": "\n\n<b>Reason:</b>\n{note}"},
    "reporter.change.footer": {
        "id": "\n\nKetik <code>{code}</code> kapan saja untuk melihat riwayatnya.",
        "en": "\n\nType <code>{code}</code> any time to see its history.",
    },
    "office.unknown": {"id": "petugas", "en": "the office"},
    "time.no_deadline": {"id": "-", "en": "-"},
}
