"""Where every page of the report lives, and the parameters every page is computed with.

Hrefs are relative to the report's root folder (`feature/prompt-caching.html`); templates
prefix them with `root` (`""` or `"../"`), so the site works from file:// in any folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.report.slugs import SlugBook

MARKET = ""  # the scope of the whole market (as opposed to one category)


@dataclass(frozen=True, slots=True)
class ReportParams:
    generated_at: dt.datetime
    as_of: dt.date
    k: int  # parties that make a feature a commodity
    window: int  # days: the copy window of crowding, pressure and commoditization


class SiteMap:
    def __init__(self, features: Iterable[str], parties: Iterable[str], categories: Iterable[str]) -> None:
        self.features = SlugBook(features)
        self.parties = SlugBook(parties)
        self.categories = SlugBook(categories)

    def feature(self, key: str) -> str:
        return f"feature/{self.features[key]}.html" if key in self.features else ""

    def party(self, name: str) -> str:
        return f"party/{self.parties[name]}.html" if name in self.parties else ""

    def category(self, name: str) -> str:
        return f"category/{self.categories[name]}.html" if name in self.categories else ""

    def evidence(self, scope: str, metric: str) -> str:
        """The page listing what one number is computed from; slugs never hold "--", so names cannot clash."""
        if scope == MARKET:
            return f"evidence/{metric}.html"
        return f"evidence/{self.categories[scope]}--{metric}.html"
