"""Operations: metrics, health, backups, the live-database lock. No Telegram imports."""
