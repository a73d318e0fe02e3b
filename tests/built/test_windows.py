"""helpers.built.windows: windows are views of the ids, the loader is PyTorch's DataLoader, bad input is explained."""
import pytest
import torch
from torch.utils.data import DataLoader, SequentialSampler

from helpers.built.windows import WindowDataset, sliding_windows, window_loader

IDS = torch.arange(100, 120)


def test_windows_are_views_with_shifted_targets():
    inputs, targets = sliding_windows(IDS, context_length=4, stride=3)
    assert inputs.shape == targets.shape == (6, 4)
    assert inputs[1].tolist() == [103, 104, 105, 106] and targets[1].tolist() == [104, 105, 106, 107]
    for view in (inputs, targets):
        assert view.untyped_storage().data_ptr() == IDS.untyped_storage().data_ptr()


@pytest.mark.parametrize("context_length, stride", [(5, 2), (4, 3), (3, 5), (1, 1), (19, 1), (2, 10**30)])
def test_windows_match_the_copy_loop(context_length, stride):
    inputs, targets = sliding_windows(IDS, context_length, stride)
    starts = range(0, len(IDS) - context_length, min(stride, len(IDS)))
    assert torch.equal(inputs, torch.stack([IDS[s:s + context_length] for s in starts]))
    assert torch.equal(targets, torch.stack([IDS[s + 1:s + context_length + 1] for s in starts]))


def test_shortest_text_gives_one_window():
    inputs, targets = sliding_windows(torch.arange(5), context_length=4, stride=1)
    assert inputs.tolist() == [[0, 1, 2, 3]] and targets.tolist() == [[1, 2, 3, 4]]


def test_dataset_is_a_standard_map_style_dataset_of_views():
    dataset = WindowDataset(IDS, 4, 2)
    assert len(dataset) == 8
    inputs, targets = dataset[3]
    assert inputs.tolist() == [106, 107, 108, 109] and targets.tolist() == [107, 108, 109, 110]
    assert inputs.untyped_storage().data_ptr() == IDS.untyped_storage().data_ptr()
    assert [x[0].item() for x, _ in dataset] == list(range(100, 116, 2))  # iteration stops at the IndexError
    assert torch.equal(dataset[-1][0], dataset[7][0])


def test_loader_is_pytorchs_dataloader_with_batch_first_batches_in_order():
    loader = window_loader(IDS, batch_size=3, context_length=4, stride=2)
    assert type(loader) is DataLoader and isinstance(loader.sampler, SequentialSampler)
    batches = list(loader)
    assert [tuple(x.shape) for x, _ in batches] == [(3, 4), (3, 4), (2, 4)] and len(loader) == 3
    inputs, targets = sliding_windows(IDS, 4, 2)
    assert torch.equal(torch.cat([x for x, _ in batches]), inputs)
    assert torch.equal(torch.cat([y for _, y in batches]), targets)
    assert len(list(window_loader(IDS, 3, 4, 2, drop_last=True))) == 2


def test_other_dataloader_arguments_mean_what_pytorch_documents():
    loader = window_loader(IDS, 3, 4, 2, collate_fn=lambda batch: len(batch), pin_memory=False)
    assert list(loader) == [3, 3, 2]
    assert loader.pin_memory is False and loader.num_workers == 0


def test_shuffle_is_a_new_reproducible_permutation_each_epoch():
    loader = window_loader(IDS, 3, 4, 2, shuffle=True, seed=1)
    first = [x[:, 0].tolist() for x, _ in loader]
    second = [x[:, 0].tolist() for x, _ in loader]
    again = [x[:, 0].tolist() for x, _ in window_loader(IDS, 3, 4, 2, shuffle=True, seed=1)]
    other = [x[:, 0].tolist() for x, _ in window_loader(IDS, 3, 4, 2, shuffle=True, seed=2)]
    assert first == again and first != second and first != other
    for epoch in (first, second, other):
        assert sorted(sum(epoch, [])) == list(range(100, 116, 2))


def test_same_as_a_plain_dataloader_with_a_seeded_generator():
    plain = DataLoader(WindowDataset(IDS, 4, 2), batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(5))
    course = window_loader(IDS, 3, 4, 2, shuffle=True, seed=5)
    assert all(torch.equal(a, c) and torch.equal(b, d) for (a, b), (c, d) in zip(plain, course))


def test_two_workers_shuffled_cover_every_window_once_per_epoch_and_reproduce():
    ids = torch.arange(1000, 1200)

    def epochs(seed):
        loader = window_loader(ids, batch_size=8, context_length=4, stride=3, shuffle=True, seed=seed, num_workers=2)
        return [[x[:, 0].tolist() for x, _ in loader] for _ in range(2)]

    first, again = epochs(7), epochs(7)
    starts = sliding_windows(ids, 4, 3)[0][:, 0].tolist()
    assert first == again and first[0] != first[1]
    for epoch in first:
        assert sorted(sum(epoch, [])) == sorted(starts)
    single = window_loader(ids, batch_size=8, context_length=4, stride=3, shuffle=True, seed=7)
    assert [x[:, 0].tolist() for x, _ in single] == first[0]  # the workers change where batches are made, not the order


def test_a_generator_may_replace_the_seed():
    given = window_loader(IDS, 3, 4, 2, shuffle=True, generator=torch.Generator().manual_seed(4))
    seeded = window_loader(IDS, 3, 4, 2, shuffle=True, seed=4)
    assert [x.tolist() for x, _ in given] == [x.tolist() for x, _ in seeded]


def test_what_lecture_1_says_about_pytorchs_random_sampler():
    """Lecture 1 (section 6.1) states two facts about RandomSampler.__iter__; a torch that changes them fails here."""
    def first_batch(loader):
        return next(iter(loader)).tolist()

    def loader(generator=None):
        return DataLoader(range(50), batch_size=5, shuffle=True, generator=generator)

    with torch.random.fork_rng():  # without generator=: seeded from the global generator at every pass
        torch.manual_seed(0)
        plain = first_batch(loader())
        torch.manual_seed(0)
        torch.randn(1)
        shifted = first_batch(loader())
    assert plain != shifted
    # the course's loader, seeded: an epoch stopped early leaves the generator elsewhere than a full one
    ids = torch.arange(60)
    full, stopped = (window_loader(ids, 5, 4, 1, shuffle=True, seed=0) for _ in range(2))
    list(full)                                   # epoch 1 run to its end
    next(iter(stopped))                          # epoch 1 stopped after one batch
    assert next(iter(full))[0].tolist() != next(iter(stopped))[0].tolist()  # so epoch 2 differs
