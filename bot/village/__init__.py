"""Village heads and officials in the chat (#WadulKades): linking, the village's list and
cards (`handlers`, `views`), resolve/reject/beyond-authority with a note and photo (`notes`),
and filing for the village with a chosen office (`filing`)."""
