"""A correction layer learned from the team's labels, on top of the default suggestions.

The default pipeline (pretrained entity recogniser, parser, claim and event rules) proposes
candidates; a small softmax regression per group, trained on the team's layer, scores them.
It is *stacked* on the default: the default suggestion is its strongest input and the
decision (``stack_decide``) starts from it:

* a default suggestion stays unless the model relabels it (another label of its group likelier
  than its own, above that label's relabel threshold) or is confident it is wrong (no-span
  probability above its label's drop threshold);
* any other candidate is added only where the default has no span of that label with the same
  head or mostly the same characters (``eligible``), above the label's add threshold.

Training targets follow (``targets``): a default suggestion is right when it matches a gold
span with only the default suggestions matched (the scorer's greedy one-to-one overlap); a new
candidate is right when it matches a gold span that no default suggestion found, or nearly
copies the candidate that does (``targets_and_gold``: copies count once when tuning). Add
thresholds start at "never" (the trained model then is the default) and move only for a
held-out gain of the group's F on inner folds of the training documents (``tune_stacked``); a
default suggestion is dropped when the model's probability that it is wrong exceeds
``1 - F / 2``, F the default's held-out F of its label (``drop_thresholds``: the drop that
maximises the expected F, where a search over drop thresholds on the inner folds was noise),
and relabelled when another label of its group has probability at least one half
(``relabel_thresholds``: that label's expected F rises; the search stayed at "never").

* ``entity``: the default ACTOR/PLACE/TIME suggestions, every entity the pretrained recogniser
  finds (mapped or not) and every noun chunk; classes ``-``, ACTOR, PLACE, TIME;
* ``claim``: the rule CLAIMs, the complements of a wider set of cue verbs (``MORE_CUES``) and
  quotation paragraphs; classes ``-``, CLAIM;
* ``event``: the rule EVENTs and every verb and noun; classes ``-``, EVENT.

Features are sparse and of English, not of a text (lemma, part of speech, dependency,
neighbours, the recogniser's label, the rule that made the candidate, its relations,
capitalisation, a verb or subject inside, inside a quotation; for entities also what the
scheme's word lists say the head noun is, ``lex=``, and how the default labels the other
mentions with the same text, ``same=``; for a default suggestion ``rel=none`` when it has no
relation, and for a claim ``paragraphs`` when it runs over a paragraph break); a default
suggestion gets each
feature twice, once prefixed ``D:``, so it has weights of its own. Everything is numpy; nothing
here needs a Doc once ``candidates`` has run, so documents are parsed once however often the
model is refitted.

The modules: ``candidates`` (what is decided on, per group), ``features`` (of a candidate),
``encoding`` (candidates as rows, encoded once), ``classifier`` (the softmax regression and its
fit), ``decision`` (the stacked decision and its thresholds), ``learning`` (targets, folds,
tuning), ``assembly`` (the decisions made suggestions) and ``model`` (the learned model: apply,
save, load, its suggester). The names other modules use are importable from here.
"""

from __future__ import annotations

from annotator.suggest.correction.candidates import (
    EVENT_POS,
    GROUP_OF,
    GROUPS,
    MORE_CUES,
    NONE,
    Analysed,
    Candidate,
    analyse,
    more_claims,
)
from annotator.suggest.correction.classifier import PRIOR, Softmax, fit
from annotator.suggest.correction.decision import (
    MIN_GAIN,
    NEVER,
    SUFFIXES,
    drop_thresholds,
    eligible,
    relabel_thresholds,
    stack_decide,
    tune_stacked,
)
from annotator.suggest.correction.encoding import DENSE, GroupData, group_data
from annotator.suggest.correction.features import document_features
from annotator.suggest.correction.learning import (
    FoldModels,
    document_folds,
    learn_groups,
    targets,
    targets_and_gold,
)
from annotator.suggest.correction.model import (
    COMPARISON_FILE,
    DEFAULT,
    FORMAT,
    MODEL_FILE,
    TRAINED,
    UNCERTAIN_TOP,
    WEIGHTS_FILE,
    LearnedModel,
    LearnedSuggester,
    is_learned_model,
    learned_name,
    load_model,
)

__all__ = [
    "COMPARISON_FILE",
    "DEFAULT",
    "DENSE",
    "EVENT_POS",
    "FORMAT",
    "GROUPS",
    "GROUP_OF",
    "MIN_GAIN",
    "MODEL_FILE",
    "MORE_CUES",
    "NEVER",
    "NONE",
    "PRIOR",
    "SUFFIXES",
    "TRAINED",
    "UNCERTAIN_TOP",
    "WEIGHTS_FILE",
    "Analysed",
    "Candidate",
    "FoldModels",
    "GroupData",
    "LearnedModel",
    "LearnedSuggester",
    "Softmax",
    "analyse",
    "document_features",
    "document_folds",
    "drop_thresholds",
    "eligible",
    "fit",
    "group_data",
    "is_learned_model",
    "learn_groups",
    "learned_name",
    "load_model",
    "more_claims",
    "relabel_thresholds",
    "stack_decide",
    "targets",
    "targets_and_gold",
    "tune_stacked",
]
