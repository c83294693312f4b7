"""How pages and statements word the fund's fixed values."""

from django.utils.translation import gettext_lazy

from intercoop.capital import arrears

# the ageing buckets (arrears.BUCKETS, named exactly in files and the API) as people read them
BUCKET_LABELS = {
    "current": gettext_lazy("Current"),
    "1-30": gettext_lazy("1–30 days late"),
    "31-60": gettext_lazy("31–60 days late"),
    "61-90": gettext_lazy("61–90 days late"),
    "90+": gettext_lazy("More than 90 days late"),
}
assert tuple(BUCKET_LABELS) == arrears.BUCKETS
# the chart's axis under each bar: short
BUCKET_AXIS = {
    "current": gettext_lazy("current"),
    "1-30": "1–30",
    "31-60": "31–60",
    "61-90": "61–90",
    "90+": "90+",
}
