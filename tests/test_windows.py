"""helpers.built.windows: windows are views of the ids, batches are gathered at once, bad input is explained."""
import pytest
import torch
from torch.utils.data import DataLoader

from helpers.built.windows import WindowDataset, sliding_windows, window_loader

IDS = torch.arange(100, 120)


def test_windows_are_views_with_shifted_targets():
    inputs, targets = sliding_windows(IDS, context_length=4, stride=3)
    assert inputs.shape == targets.shape == (6, 4)
    assert inputs[1].tolist() == [103, 104, 105, 106] and targets[1].tolist() == [104, 105, 106, 107]
    for view in (inputs, targets):
        assert view.untyped_storage().data_ptr() == IDS.untyped_storage().data_ptr()


def test_windows_match_the_copy_loop():
    inputs, targets = sliding_windows(IDS, 5, 2)
    starts = range(0, len(IDS) - 5, 2)
    assert torch.equal(inputs, torch.stack([IDS[s:s + 5] for s in starts]))
    assert torch.equal(targets, torch.stack([IDS[s + 1:s + 6] for s in starts]))


def test_shortest_text_gives_one_window():
    inputs, targets = sliding_windows(torch.arange(5), context_length=4, stride=1)
    assert inputs.tolist() == [[0, 1, 2, 3]] and targets.tolist() == [[1, 2, 3, 4]]


@pytest.mark.parametrize("ids, context_length, stride, error, message", [
    (IDS, 4, 0, ValueError, "stride must be at least 1, not 0"),
    (IDS, 4, -2, ValueError, "stride must be at least 1"),
    (IDS, 0, 1, ValueError, "context_length must be at least 1"),
    (IDS, 4, 1.5, TypeError, "stride must be a whole number"),
    (IDS, 20, 1, ValueError, "context_length=20 needs at least 21 ids .* only 20"),
    (IDS.float(), 4, 1, TypeError, "must hold token ids as torch.long .* not torch.float32"),
    (IDS.reshape(4, 5), 2, 1, ValueError, "one long 1-D sequence, not shape \\(4, 5\\)"),
    ([1, 2, 3, 4, 5], 2, 1, TypeError, "must be a torch.Tensor, not list"),
])
def test_bad_input_is_explained(ids, context_length, stride, error, message):
    with pytest.raises(error, match=message):
        sliding_windows(ids, context_length, stride)


def test_dataset_indexes_one_window_or_a_batch():
    dataset = WindowDataset(IDS, 4, 2)
    assert len(dataset) == 8
    single = dataset[3]
    assert single[0].shape == (4,) and single[0][0].item() == 106
    for batch in (dataset[[0, 2, 7]], dataset.__getitems__([0, 2, 7]), dataset[torch.tensor([0, 2, 7])]):
        assert batch[0].shape == batch[1].shape == (3, 4)
        assert batch[0][:, 0].tolist() == [100, 104, 114]


def test_loader_yields_batch_first_batches_in_order():
    batches = list(window_loader(IDS, batch_size=3, context_length=4, stride=2))
    assert [tuple(x.shape) for x, _ in batches] == [(3, 4), (3, 4), (2, 4)]
    inputs, targets = sliding_windows(IDS, 4, 2)
    assert torch.equal(torch.cat([x for x, _ in batches]), inputs)
    assert torch.equal(torch.cat([y for _, y in batches]), targets)
    assert len(list(window_loader(IDS, 3, 4, 2, drop_last=True))) == 2


def test_shuffle_is_a_reproducible_permutation():
    first = [x[:, 0].tolist() for x, _ in window_loader(IDS, 3, 4, 2, shuffle=True, seed=1)]
    again = [x[:, 0].tolist() for x, _ in window_loader(IDS, 3, 4, 2, shuffle=True, seed=1)]
    other = [x[:, 0].tolist() for x, _ in window_loader(IDS, 3, 4, 2, shuffle=True, seed=2)]
    assert first == again != other
    assert sorted(sum(first, [])) == list(range(100, 116, 2))


def test_loader_gathers_each_batch_with_one_tensor_of_indices():
    loader = window_loader(IDS, batch_size=4, context_length=4, stride=2)
    index_batches = list(loader.batch_sampler)
    assert all(isinstance(b, torch.Tensor) for b in index_batches)
    assert [b.tolist() for b in index_batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    for (x, y), indices in zip(loader, index_batches):
        expected = loader.dataset.__getitems__(indices)
        assert torch.equal(x, expected[0]) and torch.equal(y, expected[1])


def test_standard_dataloader_iteration_gives_the_same_batches():
    loader = window_loader(IDS, batch_size=3, context_length=4, stride=2, shuffle=True)
    standard = [tuple(batch) for batch in DataLoader.__iter__(loader)]
    fast = list(window_loader(IDS, batch_size=3, context_length=4, stride=2, shuffle=True))
    assert len(standard) == len(fast) == len(loader) == 3
    assert all(torch.equal(a, c) and torch.equal(b, d) for (a, b), (c, d) in zip(standard, fast))


def test_plain_dataloader_with_batch_size_also_works():
    x, y = next(iter(DataLoader(WindowDataset(IDS, 4, 2), batch_size=3)))
    assert x.shape == y.shape == (3, 4) and x[:, 0].tolist() == [100, 102, 104]


def test_bad_batch_size_is_explained():
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        window_loader(IDS, batch_size=0, context_length=4, stride=1)
