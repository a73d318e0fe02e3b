"""The input checks of every public function, in one place and with one wording: the API boundary.

They live here so the code in helpers/built/ reads like the production code it mirrors. Non-integers raise
TypeError, integers out of range raise ValueError; each message names the argument, what it got and how to fix it,
so a learner never meets a bare error from deep inside torch.

Shared checks: `scalars` (whole numbers, even sizes, flags) and `ids` (id tensors, id lists, ids within a table).
The checks of one module of helpers/built/ live in the module of the same name. Import them from here:
`from helpers import validation`, then `validation.whole_number(...)`.
"""
from helpers.validation.ids import (
    ID_DTYPES,
    INT64_LIMIT,
    TOO_SMALL,
    has_values,
    id_list,
    ids_row,
    ids_within,
    integer_ids,
)
from helpers.validation.input_embedding import MAX_TABLE_NUMBERS, embedding_arguments, embedding_ids
from helpers.validation.positions import (
    MAX_BIAS_ELEMENTS,
    MAX_TABLE_ELEMENTS,
    alibi_arguments,
    position_base,
    rope_arguments,
    score_bias,
    score_inputs,
    seq_len_within,
    t5_arguments,
    table_fits,
)
from helpers.validation.scalars import flag, positive_even, whole_number
from helpers.validation.segments import token_list
from helpers.validation.windows import dataloader_options

__all__ = [
    "ID_DTYPES", "INT64_LIMIT", "MAX_BIAS_ELEMENTS", "MAX_TABLE_ELEMENTS", "MAX_TABLE_NUMBERS", "TOO_SMALL",
    "alibi_arguments", "dataloader_options", "embedding_arguments", "embedding_ids", "flag", "has_values",
    "id_list", "ids_row", "ids_within", "integer_ids", "position_base", "positive_even", "rope_arguments",
    "score_bias", "score_inputs", "seq_len_within", "t5_arguments", "table_fits", "token_list", "whole_number",
]
