"""Closing the loop in the chat: the reporter's buttons under a resolved complaint (`handlers`),
the typing steps after them (`steps`) and their keyboards (`keyboards`)."""
