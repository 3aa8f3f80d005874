"""Home care's pages: orders (views.orders) and the monthly statements (views.statements)."""
