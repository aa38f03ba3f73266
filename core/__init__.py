"""Domain logic with no Telegram in it: calendar arithmetic, charts, figures."""
