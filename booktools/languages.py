"""The book's two languages, and how a page finds its twin in the other one.

Chinese sits at the site root and English under /en/ (see README, "Languages").
Both trees hold the same file names, so a page's twin has the same URL below
its language's prefix.
"""

LANGUAGES = {
    "zh": {"name": "中文", "prefix": "", "download": "下载本章的 Jupyter 笔记本"},
    "en": {"name": "English", "prefix": "en/", "download": "Download this chapter as a notebook"},
}


def other_language_url(current: str, target: str, page_url: str) -> str:
    """Relative link from `page_url` in language `current` to the same page in `target`.

    Relative links keep working wherever the site is hosted (a GitHub Pages
    project path, localhost, a file server), with no site_url needed.
    """
    depth = page_url.count("/") + LANGUAGES[current]["prefix"].count("/")
    link = "../" * depth + LANGUAGES[target]["prefix"] + page_url
    return link or "./"
