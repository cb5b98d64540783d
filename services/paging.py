"""One page of a list the bot shows (a reporter's complaints, a village's open ones): counted,
the asked page clamped to what exists (1-based), and only that page's rows read."""
from __future__ import annotations

import math
from dataclasses import dataclass

from peewee import Query


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int


def page_of(query: Query, page: int, per_page: int) -> Page:
    """`query` (already ordered) cut to page `page`; a page past the end shows the last one."""
    total = query.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    return Page(list(query.paginate(page, per_page)), page, pages, total)
