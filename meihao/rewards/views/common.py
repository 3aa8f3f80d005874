"""What the rewards pages share: the page size, and answering a domain error on a page."""

from meihao.core.pages import requires

PAGE_SIZE = 20


def _anyone(user) -> bool:
    return True


# A logged-in page on which anything the user may not see or do answers 404.
page_view = requires(_anyone, refusal_is_404=True)
