"""``konspekt.models.ensemble``: bagging, random forests, extremely randomised trees, gradient
boosting (exact and histogram-based), AdaBoost, voting and stacking."""
