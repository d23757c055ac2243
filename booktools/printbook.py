"""MkDocs hook for the whole-book print page (mkdocs-print-site-plugin), the PDF's source.

- on_config: what the title page prints (overrides/print_cover.html reads
  config.extra.nnlit_print): the book's title, the edition's language, the version of
  the nnlit package (its metadata), the date and the license; and the language switch
  of the print page itself, which the plugin renders outside MkDocs' page events, so
  booktools/hooks.py never fills it in (overrides/partials/alternate.html falls back to
  config.extra.nnlit_print.alternate on that page).

The date is the build's (UTC), or SOURCE_DATE_EPOCH's when set, for reproducible builds.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booktools.languages import LANGUAGES, other_language_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

EDITION = {
    "zh": {"edition": "中文版", "version": "版本", "date": "日期", "license": "许可",
           "date_format": "{d.year} 年 {d.month} 月 {d.day} 日"},
    "en": {"edition": "English edition", "version": "Version", "date": "Date", "license": "License",
           "date_format": "{d.day} {d:%B %Y}"},
}


def package_version() -> str:
    """nnlit's version from its installed metadata, else from pyproject.toml."""
    from importlib import metadata

    try:
        return metadata.version("nnlit")
    except metadata.PackageNotFoundError:
        import tomllib

        with (ROOT / "pyproject.toml").open("rb") as f:
            return tomllib.load(f)["project"]["version"]


def build_date() -> datetime.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
           else datetime.datetime.now(datetime.timezone.utc))
    return now.date()


def print_page_url(config) -> str | None:
    """The print page's URL ("print_page/"), or None when the plugin is off."""
    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled"):
        return None
    base = plugin.config.get("print_page_basename")
    return f"{base}/" if config.use_directory_urls else f"{base}.html"


def on_config(config):
    url = print_page_url(config)
    if url is None:
        return config
    lang = config.theme["language"]
    words = EDITION[lang]
    title, _, subtitle = config.site_name.partition(" · ")
    config.extra["nnlit_print"] = {
        "url": url,
        "title": subtitle or title,
        "name": title if subtitle else "",
        "description": config.site_description,
        "edition": words["edition"],
        "version": package_version(),
        "date": words["date_format"].format(d=build_date()),
        "license": config.copyright,
        "labels": {key: words[key] for key in ("version", "date", "license")},
        "alternate": [{"name": info["name"], "lang": code,
                       "link": other_language_url(lang, code, url)}
                      for code, info in LANGUAGES.items()],
    }
    return config
