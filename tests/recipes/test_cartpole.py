"""The CartPole DQN: TD target, replay buffer, same seed same run, a shortened run that learns, the CLI."""
import inspect

import numpy
import pytest

import rosenblatt as rb
from rosenblatt.__main__ import main
from rosenblatt.recipes import get
from rosenblatt.recipes.cartpole import DQNConfig, ReplayBuffer, q_network, td_loss, train
from rosenblatt.serialization import load

PNG = b"\x89PNG\r\n\x1a\n"


def test_td_target_bootstraps_truncated_but_not_terminated_transitions():
    rb.manual_seed(0)
    online, target = q_network(8), q_network(8)
    obs, next_obs = rb.randn(2, 4), rb.randn(2, 4)
    actions, rewards = rb.tensor([1, 0]), rb.tensor([1.0, 1.0])
    terminated = rb.tensor([0.0, 1.0])  # the first transition may be a truncation: it bootstraps
    loss = td_loss(online, target, (obs, actions, rewards, next_obs, terminated), gamma=0.9)

    with rb.no_grad():
        q = online(obs).numpy()[[0, 1], [1, 0]]
        chosen = online(next_obs).numpy().argmax(1)  # Double DQN: online picks, target values
        y = numpy.array([1.0 + 0.9 * target(next_obs).numpy()[0, chosen[0]], 1.0])
    d = numpy.abs(q - y)
    expected = numpy.where(d < 1, 0.5 * d * d, d - 0.5).mean()
    assert loss.dtype == rb.float32
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    loss.backward()
    assert all(p.grad is not None for p in online.parameters())
    assert all(p.grad is None for p in target.parameters())


def test_replay_buffer_overwrites_the_oldest_and_samples_tensors():
    buffer = ReplayBuffer(capacity=3, observations=2)
    for i in range(5):
        buffer.add(numpy.full(2, i), i % 2, float(i), numpy.full(2, i + 1), i == 4)
    assert len(buffer) == 3
    assert sorted(buffer.rewards) == [2.0, 3.0, 4.0]
    obs, actions, rewards, next_obs, terminated = buffer.sample(50, numpy.random.default_rng(0))
    assert obs.shape == (50, 2) and obs.dtype == rb.float32 and actions.dtype == rb.int64
    assert set(rewards.numpy()) == {2.0, 3.0, 4.0}
    numpy.testing.assert_array_equal(next_obs.numpy()[:, 0], rewards.numpy() + 1)
    numpy.testing.assert_array_equal(terminated.numpy(), rewards.numpy() == 4)


def test_same_seed_same_run(tmp_path):
    tiny = dict(epochs=1, steps_per_epoch=300, eval_episodes=3, plots=False, log=None,
                config=DQNConfig(hidden=32, learning_starts=100, train_every=50, gradient_steps=10,
                                 epsilon_steps=200, check_episodes=2))
    first = train(seed=3, out=str(tmp_path / "a"), **tiny)
    second = train(seed=3, out=str(tmp_path / "b"), **tiny)
    other = train(seed=4, out=str(tmp_path / "c"), **tiny)
    assert first["episodes"] == second["episodes"] and first["mean_return"] == second["mean_return"]
    a, b, c = (load(tmp_path / d / "best.safetensors") for d in "abc")
    for name in a:
        numpy.testing.assert_array_equal(a[name].numpy(), b[name].numpy())
    assert not numpy.array_equal(a["0.weight"].numpy(), c["0.weight"].numpy())


def test_cartpole_short_run_learns_to_balance(tmp_path):
    lines = []
    result = train(epochs=2, steps_per_epoch=2500, eval_episodes=20, out=str(tmp_path), log=lines.append,
                   config=DQNConfig(learning_starts=500, epsilon_steps=2500, check_episodes=5))
    assert len(lines) == 4 and lines[-1].startswith("test: mean return")
    # A random policy averages ~22; the full recipe (100,000 steps) reaches the solved level 475.
    assert result["mean_return"] >= 100
    assert result["steps"] == 5000 and result["episodes"] > 20
    assert (tmp_path / "learning_curve.png").read_bytes()[:8] == PNG
    model = q_network()  # the kept network loads back into the recipe's architecture
    model.load_state_dict(load(tmp_path / "best.safetensors"))


def test_cli_maps_its_options_and_refuses_a_data_dir(capsys):
    assert {"epochs", "batch_size", "lr", "seed", "out"} <= set(inspect.signature(get("cartpole")).parameters)
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "cartpole", "--data-dir", "somewhere"])
    assert exit_info.value.code == 2
    assert "does not take --data-dir" in capsys.readouterr().err
