"""Local stand-ins for the outside services Wadul talks to (only Telegram's Bot API).

`botapi/` is the fake Bot API server (tests and the sandbox use it); `webchat/` the web chat
page over it; `server` and `settings` run both for `python -m sandbox`. The product never
imports anything from here.
"""
