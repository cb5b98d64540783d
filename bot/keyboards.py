"""Every keyboard the bot shows, with one compact callback-data scheme (Telegram allows 64 bytes).

    m:<item>     main menu              cat:<id> / grp:<n> / grp:back   category choice
    ph:done|skip|clear   photos         pv:a|c|f|ok                     privacy toggles
    dv:ok|no / dv:k:<page> / dv:K:<kecamatan id>:<page> / dv:d:<desa id> / dv:back   the village of a typed address
    ok:<token8> / ed / ed:<part> / cx   summary                         lang:<code>
    my:<page> / st:<complaint id>       follow-up
"""
from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot import rules
from bot.drafts import token_tag
from i18n import t

EDIT_PARTS = ("category", "description", "photos", "location", "privacy")


def button(text: str, data: str) -> InlineKeyboardButton:
    """An inline button; refuses callback data Telegram would reject."""
    if not rules.callback_data_fits(data):
        raise ValueError(f"callback data {data!r} is longer than 64 bytes")
    return InlineKeyboardButton(text[:64], callback_data=data)


def inline(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in rows if row])


def main_menu(lang: str) -> InlineKeyboardMarkup:
    items = ("file", "mine", "track", "contacts", "help", "language")
    buttons = [button(t(f"bot.menu.{item}", lang), f"m:{item}") for item in items]
    return inline([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def categories(items: list[rules.CategoryItem]) -> InlineKeyboardMarkup:
    return inline([[button(item.name, f"cat:{item.id}")] for item in items])


def category_groups(groups: list[str]) -> InlineKeyboardMarkup:
    return inline([[button(name, f"grp:{index}")] for index, name in enumerate(groups)])


def categories_in_group(items: list[rules.CategoryItem], lang: str) -> InlineKeyboardMarkup:
    rows = [[button(item.name, f"cat:{item.id}")] for item in items]
    return inline(rows + [[button(t("bot.kb.back", lang), "grp:back")]])


def photos(lang: str, count: int) -> InlineKeyboardMarkup:
    if count == 0:
        return inline([[button(t("bot.kb.photos_skip", lang), "ph:skip")]])
    return inline([[button(t("bot.kb.photos_done", lang, count=count), "ph:done")],
                   [button(t("bot.kb.photos_clear", lang), "ph:clear")]])


def location(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t("bot.kb.send_location", lang), request_location=True)],
         [KeyboardButton(t("bot.kb.type_address", lang))]],
        resize_keyboard=True, one_time_keyboard=True,
        input_field_placeholder=t("bot.file.location.placeholder", lang)[:64],
    )


def privacy(lang: str, anonymous: bool, confidential: bool, photos_public: bool | None = None) -> InlineKeyboardMarkup:
    """The privacy toggles; `photos_public` None: no photos, so no "public photos" toggle."""
    def mark(on: bool) -> str:
        return "☑️" if on else "⬜"

    photos_row = [] if photos_public is None else [button(t("bot.kb.photos_public", lang, mark=mark(photos_public)),
                                                          "pv:f")]
    return inline([[button(t("bot.kb.anonymous", lang, mark=mark(anonymous)), "pv:a"),
                    button(t("bot.kb.confidential", lang, mark=mark(confidential)), "pv:c")],
                   photos_row,
                   [button(t("bot.kb.next", lang), "pv:ok")]])


def village_check(lang: str, guess: str | None) -> InlineKeyboardMarkup:
    """Under a typed address: confirm the guessed village, pick one, or "I don't know"."""
    rows = [[button(t("bot.kb.village_yes", lang, desa=guess), "dv:ok")]] if guess else []
    rows.append([button(t("bot.kb.village_other" if guess else "bot.kb.village_pick", lang), "dv:k:1")])
    rows.append([button(t("bot.kb.village_unknown", lang), "dv:no")])
    return inline(rows)


def village_pages(lang: str, items: list[InlineKeyboardButton], page: int, pages: int, page_prefix: str,
                  back: str) -> InlineKeyboardMarkup:
    """A page of kecamatan or desa buttons, with "back" and "I don't know" under it."""
    markup = paged_list(lang, items, page, pages, page_prefix)
    rows = [list(row) for row in markup.inline_keyboard]
    rows.append([button(t("bot.kb.back", lang), back), button(t("bot.kb.village_unknown", lang), "dv:no")])
    return inline(rows)


def summary(lang: str, token: str) -> InlineKeyboardMarkup:
    return inline([[button(t("bot.kb.confirm", lang), f"ok:{token_tag(token)}")],
                   [button(t("bot.kb.edit", lang), "ed"), button(t("bot.kb.cancel", lang), "cx")]])


def edit_menu(lang: str) -> InlineKeyboardMarkup:
    buttons = [button(t(f"bot.kb.edit.{part}", lang), f"ed:{part}") for part in EDIT_PARTS]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return inline(rows + [[button(t("bot.kb.back", lang), "ed:back")]])


def languages() -> InlineKeyboardMarkup:
    return inline([[button("🇮🇩 Bahasa Indonesia", "lang:id"), button("🇬🇧 English", "lang:en")]])


def paged_list(lang: str, items: list[InlineKeyboardButton], page: int, pages: int,
               page_prefix: str) -> InlineKeyboardMarkup:
    """One page of a list: its buttons two to a row, then "previous" and "next" as the page
    allows ("<page_prefix>:<page>"). Every paged list in the chat is drawn here."""
    rows = [items[i:i + 2] for i in range(0, len(items), 2)]
    nav = []
    if page > 1:
        nav.append(button(t("bot.kb.prev", lang), f"{page_prefix}:{page - 1}"))
    if page < pages:
        nav.append(button(t("bot.kb.next_page", lang), f"{page_prefix}:{page + 1}"))
    return inline(rows + [nav])


def my_list(lang: str, complaints: list, page: int, pages: int) -> InlineKeyboardMarkup:
    return paged_list(lang, [button(c.tracking_code, f"st:{c.id}") for c in complaints], page, pages, "my")


def status_view(lang: str, complaint_id: int, extra_rows: list | None = None) -> InlineKeyboardMarkup:
    """Refresh and back to the list, under what the viewer may do now (bot.feedback.keyboards)."""
    return inline(list(extra_rows or []) + [[button(t("bot.kb.refresh", lang), f"st:{complaint_id}"),
                                             button(t("bot.kb.my_list", lang), "my:1")]])
