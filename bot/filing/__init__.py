"""Filing a complaint in the chat, step by step: greeting and menu (`start`), the steps'
questions and their order (`prompts`), category, description, privacy, summary and confirm
(`handlers`), the photo step (`media`) and the location step (`location`)."""
