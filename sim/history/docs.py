"""The generated parts of docs/validation.md, and how they are spliced in.

A generated block sits between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``;
``splice`` replaces its content and leaves the rest of the document alone. The scorecard
block carries the card's fingerprint (``sim.history.scorecard.fingerprint``) so that a
test can tell, without re-running it, whether the figures are current.
"""

from __future__ import annotations

import re

from sim.history import cases as cases_mod
from sim.history import pre_wwi, rivals, split
from sim.history.encode import NO_TIE, TIE
from sim.history.render import markdown_table
from sim.history.scorecard import Scorecard, comparisons_markdown, to_markdown

FINGERPRINT = re.compile(r"<!-- fingerprint: ([0-9a-f]+) -->")
# The names of ``static_blocks`` (a test checks the two agree), so that tests can be
# collected without computing them.
STATIC_BLOCKS = ("thresholds", "calibration", "calibration_generations", "calibration_terms", "split", "encode",
                 "rivals", "pre_wwi_capabilities", *(f"{name}_{part}" for name in cases_mod.CASES
                                                    for part in ("facts", "sources", "capabilities")),
                 *(f"{name}_markers" for name in cases_mod.CASES if cases_mod.load_case(name).rupture is not None))


def _block_pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated: {re.escape(name)} -->\n)(.*?)(<!-- end: {re.escape(name)} -->)", re.S)


def splice(text: str, blocks: dict[str, str]) -> str:
    """``text`` with the content of every generated block replaced by ``blocks[name]``."""
    for name, content in blocks.items():
        pattern = _block_pattern(name)
        if not pattern.search(text):
            raise ValueError(f"{name}: no generated block of that name in the document")
        text = pattern.sub(lambda m, c=content: m.group(1) + c + m.group(3), text)
    return text


def block(text: str, name: str) -> str:
    """The current content of the generated block ``name`` of ``text``."""
    match = _block_pattern(name).search(text)
    if not match:
        raise ValueError(f"{name}: no generated block of that name in the document")
    return match.group(2)


def scorecard_block(card: Scorecard) -> str:
    """The card's table, then each ranked row against its best rival (both derived)."""
    return (f"<!-- fingerprint: {card.details['fingerprint']} -->\n" + to_markdown(card)
            + "\n**Against the best rival** (ties: equal to it; closer: nearer to history):\n\n"
            + comparisons_markdown(card))


def split_table() -> str:
    rows = [[role, str(len(pairs)), ", ".join(p.label for p in pairs)]
            for role in split.ROLES for pairs in [split.window_pairs(role)]]
    return markdown_table(("role", "pairs", "source window -> target window"), rows)


def _sets(fact: cases_mod.Fact) -> str:
    if fact.no_field:
        return f"no field: {fact.no_field}"
    prefix = "initial: " if fact.initial else "event: "
    effects = ([f"{t} = {v:g}" for t, v in fact.initial.items()] if fact.initial
               else [f"{e.target} {e.op} {e.value:g}" for e in fact.event])
    return prefix + "; ".join(effects)


def facts_table(case: cases_mod.Case) -> str:
    rows = [[f.id, f.date, str(case.month_of(f.date)), f.fact, ", ".join(f.sources + f.evidence), _sets(f)]
            for f in case.facts]
    return markdown_table(("id", "date", "month", "fact (paraphrase)", "sources", "sets"), rows)


def sources_list(case: cases_mod.Case) -> str:
    return "".join(f"- `{key}`: {s.cite} *Read:* {s.read}.\n" for key, s in case.sources.items())


def capability_table(years, cinc: dict, values: dict) -> str:
    rows = [[code, *(f"{v:.4f}" for v in shares), f"{sum(shares) / len(shares):.4f}", f"{values[code]:.2f}"]
            for code, shares in cinc.items()]
    return markdown_table(("actor", *(str(y) for y in years), "mean", "capability"), rows)


def markers_table(case: cases_mod.Case) -> str:
    rows = [[name + (" (reference)" if name == case.rupture.reference else ""), m.date, m.marker, ", ".join(m.sources)]
            for name, m in case.rupture.markers.items()]
    return markdown_table(("marker", "date", "what happened", "sources"), rows)


def encode_table() -> str:
    """The signed-snapshot mapping of ``sim.history.encode``, from its constants."""
    def value(spec, field):
        v = spec.get(field, NO_TIE[field])
        return v["value"] if isinstance(v, dict) else v

    rows = [[label, *(f"{value(spec, f):g}" for f in ("affinity", "trust", "rivalry"))]
            for label, spec in (("+1 (positive tie)", TIE[1]), ("-1 (negative tie)", TIE[-1]), ("no tie", {}))]
    return markdown_table(("snapshot tie", "affinity (the signed relation)", "trust", "rivalry"), rows)


def rivals_table() -> str:
    """What the rivals learn from the COW fit pairs (``sim.history.rivals``)."""
    _, learnt = rivals.rivals([(p.source.network, p.target.network) for p in split.window_pairs("fit")])
    counts = rivals.transition_counts([(p.source.network, p.target.network) for p in split.window_pairs("fit")])
    names = {1: "positive", -1: "negative", 0: "no tie"}
    rows = [[names[s], str(n), str(pos), f"{pos / n:.3f}"] for s, (pos, n) in counts.items()]
    return (markdown_table(("tie in window t", "ties in window t+4", "of them positive", "share positive"), rows)
            + f"\nThe sign given to pairs without a tie (`no_tie_sign`): {learnt['no_tie_sign']:+g}.\n")


def thresholds_table() -> str:
    """The result of the thresholds procedure (``sim.history.thresholds``)."""
    from sim.history.thresholds import ALLIANCE, HELD_CASE, MAX_SPURIOUS, REPLICATIONS, RUPTURED, compare_rules

    rules = compare_rules()
    t, level = rules.share_of_peak, rules.absolute_level
    rows = [
        ["rupture threshold θ_R (`outcome.rupture_threshold`)", f"{t.rupture_threshold:g}",
         f"maximises Youden's J = {t.youden_j:.3f}: {t.below_after_rupture:.1%} of the months {RUPTURED[0]}..{RUPTURED[1]} "
         f"below it, {t.below_in_alliance:.1%} of the months {ALLIANCE[0]}..{ALLIANCE[1]}"],
        ["rupture duration L (`outcome.rupture_months`)", f"{t.rupture_months}",
         f"the fewest months with at most {MAX_SPURIOUS:.0%} of replications rupturing in the alliance years "
         f"({t.spurious:.1%})"],
        ["median retained share R, alliance years", f"{t.alliance_median:.3f}",
         f"{ALLIANCE[0]}..{ALLIANCE[1]} (median index {t.alliance_index:.3f})"],
        ["median retained share R, after the material rupture", f"{t.ruptured_median:.3f}",
         f"{RUPTURED[0]}..{RUPTURED[1]} (median index {t.ruptured_index:.3f})"],
        ["ruptured by the public break", f"{t.ruptured_by_public_break:.1%}", f"by {RUPTURED[1]}, at θ_R and L"],
        ["median rupture month", t.median_rupture or "none", "at θ_R and L"],
        ["the same procedure on the index's absolute level", f"{level.rupture_threshold:g} for {level.rupture_months} "
         "months", f"Youden's J = {level.youden_j:.3f}; median rupture month {level.median_rupture or 'none'}"],
        [f"{HELD_CASE.replace('_', ' ')} (held) hindcast: share held to its end",
         f"{rules.held_share_of_peak:.1%} (share of peak), {rules.held_absolute_level:.1%} (absolute level)",
         "point values, each rule at its own θ and L"],
    ]
    return (f"Point-value hindcast of the Sino-Soviet case, {REPLICATIONS} replications, seed 0.\n\n"
            + markdown_table(("quantity", "value", "what it rests on"), rows))


def calibration_blocks() -> dict[str, str]:
    """The shipped posterior: its table, its generations, the balance stage, the terms."""
    from sim.history.calibration import mean_term_scores_of, posterior_markdown
    from sim.history.posterior import load_posterior

    sample = load_posterior()
    meta = sample.meta
    gens = markdown_table(("generation", "epsilon", "particles", "simulations", "acceptance"),
                          [[str(g["t"]), f"{g['epsilon']:.4f}", str(g["particles"]), str(g["simulations"]),
                            f"{g['particles'] / g['simulations']:.3f}"] for g in meta["generations"]])
    ess = 1.0 / float((sample.weights ** 2).sum())
    terms = mean_term_scores_of(sample)
    term_rows = [[f"`{t['name']}`", t["case"].replace("_", " "), t["meaning"], f"{t['observed']:g}", f"{t['weight']:g}",
                  f"{terms['prior'][t['name']]:.3f}", f"{terms['posterior'][t['name']]:.3f}"] for t in meta["terms"]]
    balance = meta["balance_stage"]
    edges, mass = balance["edges"], balance["mass"]
    best = max(range(len(mass)), key=lambda k: mass[k])
    head = (f"`{meta['command']}`, seed {meta['seed']}: {meta['budget']['particles']} particles x "
            f"{meta['budget']['generations']} generations, {meta['budget']['replications']} replications per particle "
            f"and case, {meta['budget']['cells']} balance-rate cells; effective sample size of the last generation "
            f"{ess:.0f}; pyabc {meta['pyabc']}; fingerprints: data `{meta['fingerprints']['data']}`, model "
            f"`{meta['fingerprints']['model']}`.\n\n")
    cow = (f"The COW stage puts {mass[best]:.1%} of the balance rate's mass in the cell "
           f"[{edges[best]:.4g}, {edges[best + 1]:.4g}] (of {len(mass)} cells over [{edges[0]:g}, {edges[-1]:g}]).\n")
    return {"calibration": head + posterior_markdown(sample) + "\n", "calibration_generations": gens,
            "calibration_terms": markdown_table(("term", "case", "statistic", "history", "weight",
                                                 "mean score, prior", "mean score, posterior"), term_rows) + "\n" + cow}


def static_blocks() -> dict[str, str]:
    """Every generated block except the scorecard (no simulation but the thresholds'
    hindcast of one case)."""
    out = {
        "thresholds": thresholds_table(),
        **calibration_blocks(),
        "split": split_table(),
        "encode": encode_table(),
        "rivals": rivals_table(),
        "pre_wwi_capabilities": capability_table(pre_wwi.CINC_YEARS, pre_wwi.CINC, pre_wwi.capabilities()),
    }
    for name in cases_mod.CASES:
        case = cases_mod.load_case(name)
        out[f"{name}_facts"] = facts_table(case)
        out[f"{name}_sources"] = sources_list(case)
        out[f"{name}_capabilities"] = capability_table(case.capability.years, case.capability.cinc,
                                                       case.capability.values())
        if case.rupture is not None:
            out[f"{name}_markers"] = markers_table(case)
    return out


def fingerprint_of(text: str) -> str | None:
    """The fingerprint recorded in the scorecard block of ``text`` (None if absent)."""
    match = FINGERPRINT.search(block(text, "scorecard"))
    return match.group(1) if match else None
