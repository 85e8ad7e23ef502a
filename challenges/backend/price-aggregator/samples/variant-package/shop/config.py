import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    suppliers_url: str = field(default_factory=lambda: os.environ["SUPPLIERS_URL"].rstrip("/"))
    suppliers: tuple[str, ...] = field(
        default_factory=lambda: tuple(s.strip() for s in os.environ["SUPPLIERS"].split(",") if s.strip())
    )
    mail_url: str = field(default_factory=lambda: os.environ["MAIL_URL"])


settings = Settings()
