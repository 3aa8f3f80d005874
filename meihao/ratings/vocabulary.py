"""A rectification in its rater's words (cases.vocabulary): the steps only a rectification has
(the appeal and its dismissal); its states read as any report's. Registered in
`RatingsConfig.ready`."""

from django.utils.translation import pgettext_lazy

from meihao.cases.vocabulary import Vocabulary

RECTIFY_WORDS = Vocabulary(
    statuses={},
    events={
        "dispatch": pgettext_lazy("rectification event", "passed it to the body rated"),
        "report_back": pgettext_lazy("rectification event", "reported the fix"),
        "verify_close": pgettext_lazy("rectification event", "confirmed the fix"),
        "reopen": pgettext_lazy("rectification event", "found it not fixed"),
        "appeal": pgettext_lazy("rectification event", "appealed the rating"),
        "appeal_dismissed": pgettext_lazy("rectification event", "dismissed the appeal"),
        "void": pgettext_lazy("rectification event", "upheld the appeal: the rating was mistaken"),
    },
    messages={},
)
