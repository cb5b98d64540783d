"""Local stand-ins for the outside services Wadul talks to (only Telegram's Bot API)."""
