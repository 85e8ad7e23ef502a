import secrets

from django.db import models


def new_code() -> str:
    return secrets.token_urlsafe(5)[:7]


class ShortLink(models.Model):
    url = models.TextField()
    short_code = models.CharField(max_length=16, unique=True, default=new_code)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    access_count = models.PositiveIntegerField(default=0)

    def as_dict(self, *, stats: bool = False) -> dict:
        data = {
            "id": self.pk,
            "url": self.url,
            "shortCode": self.short_code,
            "createdAt": self.created_at.isoformat(),
            "updatedAt": self.updated_at.isoformat(),
        }
        if stats:
            data["accessCount"] = self.access_count
        return data
