"""The printed summary of a fitted GAM, laid out as pygam's ``summary()``."""

import numpy as np

__all__ = ["GAMSummary"]


class GAMSummary:
    """A fitted GAM's summary; ``str(summary)`` or ``summary.as_text()`` is the table.

    The header gives the distribution, link, n, tr A, log-likelihood, AIC, AICc, GCV or
    UBRE, the scale φ and the explained deviance; then one row per term: λ, the number of
    coefficients (rank), its effective degrees of freedom and the p-value of its Wald test.
    """

    def __init__(self, model):
        self.model = model

    def as_text(self):
        m = self.model
        stats = m.statistics_
        score_name = "GCV" if stats["GCV"] is not None else "UBRE"
        width = 90
        header = [
            ("Distribution:", m._family.name, "Effective DoF:", f"{stats['edof']:.4f}"),
            ("Link Function:", m._link.name, "Log Likelihood:", f"{stats['loglikelihood']:.4f}"),
            ("Number of Samples:", str(stats["n_samples"]), "AIC:", f"{stats['AIC']:.4f}"),
            ("Scale:", f"{stats['scale']:.4f}", "AICc:", f"{stats['AICc']:.4f}"),
            ("Explained deviance:", f"{stats['pseudo_r2']['explained_deviance']:.4f}",
             f"{score_name}:", f"{stats[score_name]:.4f}"),
        ]
        lines = [type(m).__name__.center(width), "=" * width]
        for left, left_value, right, right_value in header:
            lines.append(f"{left:<22}{left_value:>20}   {right:<22}{right_value:>23}")
        lines.append("=" * width)
        lines.append(f"{'Feature Function':<34}{'Lambda':>20}{'Rank':>8}{'EDoF':>10}"
                     f"{'P > x':>14}")
        lines.append("-" * width)
        per_coef = stats["edof_per_coef"]
        for index, term in enumerate(m.terms_):
            part = m._coef_slices[index]
            lam = "[" + " ".join(f"{value:.4g}" for value in term.lam) + "]" if term.lam \
                else ""
            p_value = stats["p_values"][index]
            shown = "" if np.isnan(p_value) else f"{p_value:.2e}"
            lines.append(f"{repr(term)[:33]:<34}{lam:>20}{len(part):>8}"
                         f"{per_coef[part].sum():>10.1f}{shown:>14}")
        lines.append("=" * width)
        lines.append("p-values treat λ as known, so they are too small when λ was chosen from "
                     "the data (Wood 2006, §4.8.5).")
        return "\n".join(lines)

    def __str__(self):
        return self.as_text()

    def __repr__(self):
        return self.as_text()
