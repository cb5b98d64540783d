"""What a resident looks up: their complaints page by page and one complaint's status and
history (`handlers`), and the offices' contacts (`contacts`)."""
