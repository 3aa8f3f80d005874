from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from meihao.insights.selectors import PERIODS, case_statistics, period_for


@login_required
def cases(request):
    """统计分析: the case indicators of a place (or the user's department) over a period."""
    params = request.GET
    period, error = period_for(
        params.get("period", ""), start=params.get("start", ""), end=params.get("end", "")
    )
    stats = case_statistics(
        request.user,
        place_code=params.get("place", ""),
        period=period,
        group_by=params.get("by", ""),
    )
    return render(
        request,
        "insights/cases.html",
        {
            "stats": stats,
            "error": error,
            "periods": [(key, str(label)) for key, label in PERIODS.items()],
            "charts": stats.charts,
        },
    )
