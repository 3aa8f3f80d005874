from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from meihao.dashboards import selectors
from meihao.insights.selectors import PERIODS


@require_GET
@login_required
def dashboard(request):
    """The dashboard of the user's role for their place, department or team (`unit`; a place
    board also takes the place's code as `place`) and a period (this month by default): a 404
    for a user with no such board or a unit not theirs, a 400 for a bad period."""
    params = request.GET
    period = selectors.dashboard_period(params)
    board = selectors.dashboard(
        request.user,
        board_key=params.get("board", ""),
        unit=params.get("unit", "") or params.get("place", ""),
        period=period,
        rank=params.get("rank", ""),
    )
    charts = {
        "tiles": [
            {"code": tile.indicator.code, "spark": tile.spark, "rate": tile.indicator.is_rate}
            for tile in board.tiles
        ],
        "ranking": board.ranking,
        "funnel": board.funnel,
        "heatmap": board.heatmap,
    }
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "board": board,
            "charts": charts,
            "periods": [(key, str(label)) for key, label in PERIODS.items()],
        },
    )
