"""Duplicates nearby: the offer at filing, supporting, supporters' status messages, merging."""
from __future__ import annotations

MESSAGES = {
    # --- the bot: the offer at filing -------------------------------------------------------
    "dupes.offer.head": {
        "id": "🔎 Sudah ada aduan terbuka untuk <b>{category}</b> di dekat titik Anda:",
        "en": "🔎 There are open complaints about <b>{category}</b> near your point:",
    },
    "dupes.offer.item": {
        "id": "<b>{n}.</b> {place} · {status} · {date} · ±{distance} m\n<i>{excerpt}</i>",
        "en": "<b>{n}.</b> {place} · {status} · {date} · ±{distance} m\n<i>{excerpt}</i>",
    },
    "dupes.offer.foot": {
        "id": "Jika masalahnya sama, dukung aduan itu: Anda akan mendapat kabar perkembangannya, dan "
              "keterangan serta foto Anda ditambahkan untuk petugas. Jika berbeda, buat aduan baru.",
        "en": "If it is the same problem, support that complaint: you will be told how it goes, and your "
              "description and photos are added for the office. If it is different, file a new one.",
    },
    "dupes.kb.support_one": {"id": "👍 Dukung aduan ini", "en": "👍 Support this one"},
    "dupes.kb.support_n": {"id": "👍 Dukung aduan {n}", "en": "👍 Support complaint {n}"},
    "dupes.kb.new": {"id": "➕ Tetap buat aduan baru", "en": "➕ File mine anyway"},
    "dupes.place.unknown": {"id": "Lokasi tanpa desa", "en": "Place without a village"},
    "dupes.chose_new": {
        "id": "➕ Baik, aduan Anda dibuat sebagai aduan baru.",
        "en": "➕ All right, yours is filed as a new complaint.",
    },
    "dupes.supported": {
        "id": "🤝 Terima kasih! Aduan Anda tidak dibuat terpisah: Anda kini <b>mendukung</b> aduan "
              "<b>{code}</b> ({category}, {place}).\n{added}Anda akan menerima kabar setiap perubahan "
              "statusnya di sini.",
        "en": "🤝 Thank you! Yours was not filed separately: you now <b>support</b> complaint "
              "<b>{code}</b> ({category}, {place}).\n{added}You will be told here of every change of its "
              "status.",
    },
    "dupes.supported.added": {
        "id": "Keterangan dan foto Anda ({photos} foto) ditambahkan ke aduan itu sebagai informasi dari "
              "pendukung, hanya untuk petugas.\n",
        "en": "Your description and photos ({photos}) were added to it as information from a supporter, "
              "for the office only.\n",
    },
    "dupes.gone": {
        "id": "Aduan itu sudah tidak terbuka. Aduan Anda dibuat sebagai aduan baru.",
        "en": "That complaint is no longer open. Yours is filed as a new complaint.",
    },
    # --- a supporter's information on the complaint's page (panel history) ------------------
    "dupes.history.info": {
        "id": "Informasi dari pendukung:\n{text}",
        "en": "Information from a supporter:\n{text}",
    },
    "actor.supporter": {"id": "Pendukung", "en": "Supporter"},
    # --- supporters' status messages (services.complaints.status_door) -----------------------
    "supporter.change.head": {
        "id": "🤝 Kabar aduan yang Anda dukung:",
        "en": "🤝 News of a complaint you support:",
    },
    "supporter.change.assigned": {
        "id": "📨 Aduan <b>{code}</b> sudah diteruskan ke <b>{office}</b>.\nMereka wajib menanggapi paling lambat {due}.",
        "en": "📨 Complaint <b>{code}</b> was sent to <b>{office}</b>.\nThey must respond by {due}.",
    },
    "supporter.change.in_progress": {
        "id": "🛠 Aduan <b>{code}</b> sedang diproses oleh <b>{office}</b>.",
        "en": "🛠 Complaint <b>{code}</b> is being handled by <b>{office}</b>.",
    },
    "supporter.change.resolved": {
        "id": "✅ <b>{office}</b> menyatakan aduan <b>{code}</b> sudah selesai.",
        "en": "✅ <b>{office}</b> says complaint <b>{code}</b> is resolved.",
    },
    "supporter.change.closed": {
        "id": "📁 Aduan <b>{code}</b> ditutup. Terima kasih atas dukungan Anda.",
        "en": "📁 Complaint <b>{code}</b> is closed. Thank you for your support.",
    },
    "supporter.change.rejected": {
        "id": "❌ Aduan <b>{code}</b> tidak dapat ditindaklanjuti oleh <b>{office}</b>.",
        "en": "❌ <b>{office}</b> cannot act on complaint <b>{code}</b>.",
    },
    "supporter.change.forwarded": {
        "id": "↪️ Aduan <b>{code}</b> dialihkan ke <b>{office}</b>, instansi yang berwenang.",
        "en": "↪️ Complaint <b>{code}</b> was forwarded to <b>{office}</b>, the office in charge.",
    },
    "supporter.change.reopened": {
        "id": "🔁 Aduan <b>{code}</b> dibuka kembali dan dikembalikan ke <b>{office}</b>.",
        "en": "🔁 Complaint <b>{code}</b> was reopened and sent back to <b>{office}</b>.",
    },
    "supporter.change.new": {
        "id": "🆕 Aduan <b>{code}</b> tercatat.",
        "en": "🆕 Complaint <b>{code}</b> is recorded.",
    },
    "supporter.change.footer": {
        "id": "\n\nAnda menerima pesan ini karena mendukung aduan ini.",
        "en": "\n\nYou receive this because you support this complaint.",
    },
    # --- merging (told once, to the merged complaint's reporter and supporters) --------------
    "dupes.merged": {
        "id": "🔗 Aduan <b>{old}</b> digabung oleh <b>{office}</b> dengan aduan <b>{new}</b> tentang masalah "
              "yang sama. Penanganannya berlanjut sebagai <b>{new}</b>: Anda akan menerima kabar "
              "perkembangannya di sini.",
        "en": "🔗 <b>{office}</b> merged complaint <b>{old}</b> with complaint <b>{new}</b> about the same "
              "problem. It continues as <b>{new}</b>: you will be told here how it goes.",
    },
    "dupes.merged.note": {"id": "Digabung ke {code}", "en": "Merged into {code}"},
    # --- the panel -------------------------------------------------------------------------
    "panel.col.support": {"id": "Dukungan", "en": "Support"},
    "panel.photo.support": {"id": "Foto pendukung", "en": "Supporter's photo"},
    "panel.dupes.card": {"id": "Dukungan dan duplikat", "en": "Support and duplicates"},
    "panel.dupes.count": {"id": "{n} warga mendukung aduan ini.", "en": "{n} residents support this complaint."},
    "panel.dupes.none": {"id": "Belum ada warga lain yang mendukung aduan ini.",
                         "en": "No other resident supports this complaint yet."},
    "panel.dupes.merged_into": {"id": "Digabung ke", "en": "Merged into"},
    "panel.dupes.merged_from": {"id": "Duplikat yang digabung ke sini", "en": "Duplicates merged into this one"},
    "panel.dupes.merge": {"id": "Gabungkan ke aduan lain", "en": "Merge into another complaint"},
    "panel.dupes.merge_help": {
        "id": "Aduan ini ditutup (ditolak: \"digabung ke <kode>\"); pelapor dan pendukungnya menjadi pendukung "
              "aduan tujuan dan diberi tahu sekali. Hanya aduan yang dapat Anda tangani.",
        "en": "This complaint is closed (rejected: \"merged into <code>\"); its reporter and supporters "
              "become supporters of the target and are told once. Only complaints you may act on.",
    },
    "panel.dupes.target": {"id": "Kode aduan tujuan", "en": "Target complaint's code"},
    "panel.dupes.merge_submit": {"id": "Gabungkan", "en": "Merge"},
    "panel.dupes.done": {"id": "Aduan {code} digabung ke {target}. Pelapor dan pendukungnya diberi tahu.",
                         "en": "Complaint {code} merged into {target}. Its reporter and supporters are told."},
    "panel.dupes.error.not_found": {"id": "Aduan tujuan tidak ditemukan di antara aduan yang dapat Anda tangani.",
                                    "en": "No complaint you may act on has that code."},
    "panel.dupes.error.same": {"id": "Aduan tidak dapat digabung ke dirinya sendiri.",
                               "en": "A complaint cannot be merged into itself."},
    "panel.dupes.error.not_allowed": {"id": "Aduan ini tidak dapat digabung (Anda tidak dapat menolaknya sekarang).",
                                      "en": "This complaint cannot be merged (you may not reject it now)."},
    "panel.dupes.error.target_closed": {"id": "Aduan tujuan sudah tidak terbuka.",
                                        "en": "The target complaint is no longer open."},
    "panel.dupes.error.target_not_public": {
        "id": "Aduan tujuan rahasia atau disembunyikan dari publik: pelapor lain tidak boleh mengikutinya. "
              "Tolak aduan ini dengan alasan sebagai gantinya.",
        "en": "The target is confidential or hidden from the public: other reporters may not follow it. "
              "Reject this complaint with a reason instead.",
    },
}
