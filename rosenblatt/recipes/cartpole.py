"""CartPole-v1 balanced by a deep Q-network (Double DQN) written with rosenblatt.

The agent learns action values :math:`Q(s, a)` with a 4-256-256-2 ReLU MLP
from a replay buffer of past transitions, acting epsilon-greedily.  Each
update regresses on the Double-DQN target (the online network picks the next
action, a lagged copy, the target network, values it):

.. math::
    y = r + \\gamma \\, (1 - \\text{terminated}) \\,
        Q_{\\text{target}}\\big(s', \\arg\\max_{a'} Q(s', a')\\big), \\qquad
    \\mathcal{L} = \\text{smooth\\_l1}\\big(Q(s, a), y\\big)

with Adam and gradient-norm clipping.  Hitting the 500-step time limit is
truncation, not termination, so those transitions still bootstrap.  The
settings (:class:`DQNConfig`, and ``train``'s 50,000 steps, batch 64, lr
2.3e-3) are rl-baselines3-zoo's tuned CartPole-v1 DQN hyperparameters
(``hyperparams/dqn.yml``), with the Double-DQN target in place of DQN's.

An *epoch* is ``steps_per_epoch`` environment steps followed by a greedy
(epsilon 0) check on ``check_episodes`` (50) episodes; the network with the
best check is kept, since CartPole DQN is known to forget late in training.
That network is then tested on ``eval_episodes`` (100) fresh episodes whose
seeds neither training nor the checks used.  gymnasium calls CartPole-v1
solved at an average return of 475 over 100 episodes; a random policy
averages about 22.

The run folder gets ``learning_curve.png`` (return per training episode, its
moving average and the epoch checks) and ``best.safetensors`` (the kept network).

Measured with the defaults: mean test return 500.0 +- 0.0 (every episode hits
the time limit) for each of seeds 0, 1 and 2, with the network of epoch 7, 8
and 8; 704 s on a heavily loaded shared 2-core machine, of which 85 s of CPU.

Run: ``rosenblatt train cartpole`` (needs ``pip install rosenblatt[control]``).

Example (a few seconds of training; the full run is ``train()``):
    >>> import tempfile
    >>> result = train(epochs=1, steps_per_epoch=600, eval_episodes=2, out=tempfile.mkdtemp(),
    ...                plots=False, log=None)
    >>> result["steps"], len(result["files"])
    (600, 1)
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy

import rosenblatt as rb
from rosenblatt import nn, optim

ENV_ID = "CartPole-v1"
SOLVED = 475.0  # gymnasium's reward_threshold for CartPole-v1
# Seeds of the evaluation episodes: each check and the final test get their own block, far from
# the training seed, so the final test never replays an episode the kept network was chosen on.
CHECK_SEEDS, TEST_SEEDS = 1_000_000, 2_000_000


@dataclass
class DQNConfig:
    """DQN settings; the defaults are rl-baselines3-zoo's tuned CartPole-v1 DQN hyperparameters."""

    gamma: float = 0.99  # horizon ~100 steps: long enough to feel a fall coming
    hidden: int = 256  # 4-256-256-2
    buffer_size: int = 100_000  # larger than the whole run: nothing is forgotten
    learning_starts: int = 1_000  # random steps before the first update
    train_every: int = 256  # environment steps between rounds of updates...
    gradient_steps: int = 128  # ...of this many gradient steps each (half an update per step)
    epsilon_start: float = 1.0
    epsilon_end: float = 0.04
    epsilon_steps: int = 8_000  # linear decay from start to end over these steps
    # Steps between copies of the online network into the target.  Copies happen while acting, so
    # each round of updates regresses on the values of the network as it was when the round began.
    target_update: int = 10
    max_grad_norm: float = 10.0
    check_episodes: int = 50  # greedy episodes after every epoch that choose the kept network


def q_network(hidden: int = 256, observations: int = 4, actions: int = 2) -> nn.Module:
    """The MLP ``(B, observations) -> (B, actions)`` of action values."""
    return nn.Sequential(nn.Linear(observations, hidden), nn.ReLU(),
                         nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, actions))


class ReplayBuffer:
    """A ring buffer of transitions ``(s, a, r, s', terminated)`` in preallocated arrays.

    Once full, each new transition overwrites the oldest.  ``sample`` draws a
    uniform batch (with replacement) as float32/int64 tensors.
    """

    def __init__(self, capacity: int, observations: int) -> None:
        self.obs = numpy.zeros((capacity, observations), numpy.float32)
        self.next_obs = numpy.zeros((capacity, observations), numpy.float32)
        self.actions = numpy.zeros(capacity, numpy.int64)
        self.rewards = numpy.zeros(capacity, numpy.float32)
        self.terminated = numpy.zeros(capacity, numpy.float32)
        self.capacity, self.size, self.next = capacity, 0, 0

    def __len__(self) -> int:
        return self.size

    def add(self, obs: Any, action: int, reward: float, next_obs: Any, terminated: bool) -> None:
        i = self.next
        self.obs[i], self.actions[i], self.rewards[i] = obs, action, reward
        self.next_obs[i], self.terminated[i] = next_obs, terminated
        self.next = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int, rng: numpy.random.Generator) -> tuple[rb.Tensor, ...]:
        i = rng.integers(0, self.size, batch_size)
        return tuple(rb.from_numpy(a[i]) for a in (self.obs, self.actions, self.rewards,
                                                   self.next_obs, self.terminated))


def td_loss(online: nn.Module, target: nn.Module, batch: tuple[rb.Tensor, ...], gamma: float) -> rb.Tensor:
    """The Double-DQN Huber loss of one batch from :meth:`ReplayBuffer.sample`."""
    obs, actions, rewards, next_obs, terminated = batch
    q = online(obs).gather(1, actions.unsqueeze(1)).squeeze(1)  # (B,)
    with rb.no_grad():
        best = online(next_obs).argmax(1, keepdim=True)  # (B, 1): the online network chooses...
        next_q = target(next_obs).gather(1, best).squeeze(1)  # ...the target network values it
        y = rewards + gamma * (1.0 - terminated) * next_q
    return nn.functional.smooth_l1_loss(q, y)


def make_env() -> Any:
    try:
        import gymnasium
    except ImportError:
        raise ImportError("the cartpole recipe needs gymnasium, which is not installed: "
                          "pip install 'rosenblatt[control]'") from None
    return gymnasium.make(ENV_ID)


def greedy_returns(model: nn.Module, seeds: Any) -> numpy.ndarray:
    """The return of one greedy (epsilon 0) episode per seed, all run in lockstep, one forward a step."""
    envs = [make_env() for _ in seeds]
    obs = numpy.stack([env.reset(seed=int(s))[0] for env, s in zip(envs, seeds)])
    returns = numpy.zeros(len(envs))
    running = numpy.ones(len(envs), bool)
    with rb.no_grad():
        while running.any():
            alive = numpy.flatnonzero(running)
            actions = model(rb.from_numpy(obs[alive])).argmax(1).numpy()
            for i, a in zip(alive, actions):
                obs[i], reward, terminated, truncated, _ = envs[i].step(int(a))
                returns[i] += reward
                running[i] = not (terminated or truncated)
    for env in envs:
        env.close()
    return returns


def train(epochs: int = 10, batch_size: int = 64, lr: float = 2.3e-3, seed: int = 0,
          out: str = os.path.join("runs", "cartpole"), steps_per_epoch: int = 5_000,
          eval_episodes: int = 100, config: DQNConfig | None = None, plots: bool = True,
          log: Callable[[str], Any] | None = print) -> dict[str, Any]:
    """Train the DQN; returns ``{'mean_return', 'std_return', 'solved', 'best_epoch', ...}``.

    ``mean_return``/``std_return`` are over ``eval_episodes`` greedy test episodes of the
    kept network; ``episodes`` and ``steps`` count training.
    """
    if epochs < 1 or steps_per_epoch < 1 or eval_episodes < 1:
        raise ValueError(f"cartpole: epochs, steps_per_epoch and eval_episodes must be at least 1, "
                         f"got {epochs}, {steps_per_epoch} and {eval_episodes}")
    cfg = config or DQNConfig()
    say = log if log is not None else (lambda message: None)
    start = time.perf_counter()
    rb.manual_seed(seed)  # the network's initial weights
    rng = numpy.random.default_rng(seed)  # exploration and replay sampling
    env = make_env()
    online, target, best = (q_network(cfg.hidden) for _ in range(3))
    target.load_state_dict(online.state_dict())
    opt = optim.Adam(online.parameters(), lr=lr)
    buffer = ReplayBuffer(cfg.buffer_size, env.observation_space.shape[0])
    say(f"{ENV_ID}: Double DQN 4-{cfg.hidden}-{cfg.hidden}-2, Adam lr {lr}, batch {batch_size}, "
        f"{epochs} epochs of {steps_per_epoch} steps, seed {seed}")

    obs, _ = env.reset(seed=seed)
    episode_return, returns, checks, best_check, best_epoch = 0.0, [], [], -1.0, 0
    for step in range(epochs * steps_per_epoch):
        epsilon = max(cfg.epsilon_end, cfg.epsilon_start
                      - (cfg.epsilon_start - cfg.epsilon_end) * step / cfg.epsilon_steps)
        if rng.random() < epsilon:
            action = int(rng.integers(env.action_space.n))
        else:
            with rb.no_grad():
                action = int(online(rb.from_numpy(obs[None])).argmax(1).item())
        next_obs, reward, terminated, truncated, _ = env.step(action)
        buffer.add(obs, action, reward, next_obs, terminated)  # truncated still bootstraps
        episode_return += reward
        obs = next_obs
        if terminated or truncated:
            returns.append(episode_return)
            episode_return = 0.0
            obs, _ = env.reset()
        if step >= cfg.learning_starts and (step + 1) % cfg.train_every == 0:
            for _ in range(cfg.gradient_steps):
                loss = td_loss(online, target, buffer.sample(batch_size, rng), cfg.gamma)
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(online.parameters(), cfg.max_grad_norm)
                opt.step()
        if step % cfg.target_update == 0:
            target.load_state_dict(online.state_dict())
        if (step + 1) % steps_per_epoch == 0:
            epoch = (step + 1) // steps_per_epoch
            seeds = range(CHECK_SEEDS + epoch * cfg.check_episodes,
                          CHECK_SEEDS + (epoch + 1) * cfg.check_episodes)
            check = float(greedy_returns(online, seeds).mean())
            checks.append((len(returns), check))
            if check > best_check:  # ties keep the earlier network
                best_check, best_epoch = check, epoch
                best.load_state_dict(online.state_dict())
            recent = numpy.mean(returns[-100:]) if returns else 0.0
            say(f"epoch {epoch:2d}/{epochs}  steps {step + 1}  episodes {len(returns)}  "
                f"epsilon {epsilon:.2f}  mean return (last 100) {recent:6.1f}  "
                f"greedy check {check:6.1f}  ({time.perf_counter() - start:.0f} s)")
    env.close()

    test = greedy_returns(best, range(TEST_SEEDS, TEST_SEEDS + eval_episodes))
    os.makedirs(out, exist_ok=True)
    files = [os.path.join(out, "best.safetensors")]
    rb.save(best.state_dict(), files[0])
    if plots:
        from rosenblatt.training import plots as plotting
        files.append(plotting.plot_learning_curve(returns, os.path.join(out, "learning_curve.png"),
                                                  checks=checks, threshold=SOLVED))
    seconds = time.perf_counter() - start
    mean, std = float(test.mean()), float(test.std())
    say(f"test: mean return {mean:.1f} +- {std:.1f} over {eval_episodes} greedy episodes "
        f"(network of epoch {best_epoch}; solved at {SOLVED:.0f}: {'yes' if mean >= SOLVED else 'no'}) "
        f"({seconds:.0f} s); run files in {out}/")
    return {"mean_return": mean, "std_return": std, "solved": mean >= SOLVED, "best_epoch": best_epoch,
            "episodes": len(returns), "steps": epochs * steps_per_epoch, "seconds": seconds,
            "out": out, "files": files}
