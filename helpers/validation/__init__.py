"""The input checks of every public function, in one place and with one wording: the API boundary.

They live here so the code in helpers/built/ reads like the production code it mirrors. Non-integers raise
TypeError, integers out of range raise ValueError; each message names the argument, what it got and how to fix it,
so a learner never meets a bare error from deep inside torch.

Shared checks: `scalars` (whole numbers, even sizes, flags) and `ids` (id tensors, id lists, ids within a table).
The checks of one module of helpers/built/ live in the module of the same name (`tokenizers` serves
simple_tokenizer, text_to_ids and byte_bpe). Import them from here: `from helpers import validation`, then
`validation.whole_number(...)`.
"""
from helpers.validation.decoder_inputs import (
    additive_mask_arguments,
    new_token_arguments,
    packable_documents,
    padding_mask,
    rope_table_arguments,
    rope_tables_fit,
)
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
from helpers.validation.segments import (
    MAX_BATCH_BYTES,
    encode_batch_arguments,
    in_vocabulary,
    pad_arguments,
    pair_texts,
    token_list,
    truncation_arguments,
)
from helpers.validation.tokenizers import (
    build_vocab_arguments,
    byte_bpe_ids,
    gpt2_encode_arguments,
    gpt2_ids,
    known_ids,
    merges_in_order,
    saved_byte_bpe,
    split_specials_text,
    split_words_text,
    train_bpe_arguments,
    word_vocabulary,
    words_to_encode,
)
from helpers.validation.windows import dataloader_options, loader_arguments, token_ids, window_arguments, window_index

__all__ = [
    "ID_DTYPES", "INT64_LIMIT", "MAX_BATCH_BYTES", "MAX_BIAS_ELEMENTS", "MAX_TABLE_ELEMENTS", "MAX_TABLE_NUMBERS",
    "TOO_SMALL", "additive_mask_arguments", "alibi_arguments", "build_vocab_arguments", "byte_bpe_ids",
    "dataloader_options", "embedding_arguments", "embedding_ids", "encode_batch_arguments", "flag",
    "gpt2_encode_arguments", "gpt2_ids", "has_values", "id_list", "ids_row", "ids_within", "in_vocabulary",
    "integer_ids", "known_ids", "loader_arguments", "merges_in_order", "new_token_arguments", "packable_documents",
    "pad_arguments", "padding_mask", "pair_texts", "position_base", "positive_even", "rope_arguments",
    "rope_table_arguments", "rope_tables_fit", "saved_byte_bpe", "score_bias", "score_inputs", "seq_len_within",
    "split_specials_text", "split_words_text", "t5_arguments", "table_fits", "token_ids", "token_list",
    "train_bpe_arguments", "truncation_arguments", "whole_number", "window_arguments", "window_index",
    "word_vocabulary", "words_to_encode",
]
