"""Partner merchants, their reward items and point redemptions (积分超市)."""
