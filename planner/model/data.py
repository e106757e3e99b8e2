"""What planning-model.md derives from a Dataset before any choice is made.

Everything here is a fact of the input (effective end dates, earliest exit weeks, which
vendor may take which stream from which week), held as numpy arrays indexed the way the
model's variables are, so the solution maps straight back to tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from planner.domain import CapacityOffer, Contract, Dataset, add_months

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """planning-model.md, Contracts with an exited vendor."""

    contract: Contract
    effective_end: date
    renewal_locked: bool  # the renewal can no longer be refused
    non_renewal_by: date | None  # action: non-renewal notice date (auto-renewing only)
    T: int  # vendor may work weeks 0 .. T-1
    N: int  # earliest exit week with notice at plan start
    L: int  # latest exit week: min(T, H)
    lo: int  # earliest allowed exit week: min(N, L)

    @property
    def can_terminate_early(self) -> bool:
        return self.lo < self.L

    def due(self, exit_week: int) -> float:
        """Commitment accrued by ``exit_week`` (0 when T = 0)."""
        if self.T == 0:
            return 0.0
        return self.contract.min_commitment * exit_week / self.T

    def notice_by(self, plan_start: date, exit_week: int) -> date:
        return plan_start + timedelta(days=7 * exit_week - self.contract.notice_days)


def contract_terms(contract: Contract, plan_start: date, horizon: int) -> ContractTerms:
    end = contract.end_date
    locked = contract.auto_renew and end - timedelta(days=contract.renewal_notice_days) < plan_start
    if locked:
        effective = add_months(end, contract.renewal_months)
        non_renewal_by = None
    else:
        effective = end
        non_renewal_by = (
            end - timedelta(days=contract.renewal_notice_days) if contract.auto_renew else None
        )
    T = max(0, math.floor((effective - plan_start).days / 7))
    N = math.ceil(contract.notice_days / 7)
    L = min(T, horizon)
    return ContractTerms(contract, effective, locked, non_renewal_by, T, N, L, min(N, L))


@dataclass(frozen=True)
class ModelData:
    """Arrays of the planning problem. Index order = order in the Dataset."""

    dataset: Dataset
    H: int
    terms: tuple[ContractTerms, ...]
    # streams (S)
    stream_contract: IntArray  # contract index of each stream
    volume: FloatArray
    stream_price: FloatArray
    cutover: IntArray  # cutover_weeks
    inc_weeks: IntArray  # U_s: the exited vendor may work weeks 0 .. U_s-1
    # offers (O): alternative Capacity rows with at least one eligible stream
    offers: tuple[CapacityOffer, ...]
    offer_vendor: IntArray  # index into vendors
    offer_capacity: FloatArray  # (O, H) weekly_capacity * ramp(t)
    offer_price: FloatArray
    # vendors (V): the Vendors sheet rows
    vendor_names: tuple[str, ...]
    setup_fee: FloatArray
    max_share: FloatArray
    # eligible pairs (P): stream x offer
    pair_stream: IntArray
    pair_offer: IntArray
    pair_start: IntArray  # first week with capacity (onboarding) -- no x before it
    # eligibility classes (K): streams with the same eligible offers. Every rule that
    # involves alternative work sees either one stream's total moved work or one offer's
    # total, so the model needs work per (class, offer) only, not per (stream, offer).
    stream_class: IntArray  # class of each stream, -1 when no offer is eligible
    link_class: IntArray  # links (class, offer), ordered by class, then price
    link_offer: IntArray

    @property
    def S(self) -> int:
        return len(self.volume)

    @property
    def C(self) -> int:
        return len(self.terms)

    @property
    def O(self) -> int:  # noqa: E743
        return len(self.offers)

    @property
    def V(self) -> int:
        return len(self.vendor_names)

    @property
    def P(self) -> int:
        return len(self.pair_stream)

    @property
    def K(self) -> int:
        return int(self.stream_class.max()) + 1 if len(self.stream_class) else 0

    @property
    def link_start(self) -> IntArray:
        """First week each link's offer has capacity."""
        return np.asarray([o.onboarding_weeks for o in self.offers],
                          dtype=np.int64)[self.link_offer] if self.O else _no_ints()

    @property
    def class_start(self) -> IntArray:
        """(K,) first week any offer of the class has capacity (H when none)."""
        start = np.full(self.K, self.H, dtype=np.int64)
        np.minimum.at(start, self.link_class, self.link_start)
        return start

    @property
    def pair_vendor(self) -> IntArray:
        return self.offer_vendor[self.pair_offer]

    @property
    def total_volume(self) -> float:
        return float(self.volume.sum())

    def week_start(self, week: int) -> date:
        return self.dataset.settings.week_start(week)


def incumbent_weeks(data_terms: ContractTerms, dataset: Dataset, exit_by: date | None,
                    deadline: date | None, horizon: int) -> int:
    """U_s: weeks 0 .. U_s-1 in which the stream's own vendor may still work."""
    weeks = data_terms.L
    settings = dataset.settings
    for d in (exit_by, deadline):
        if d is not None:
            weeks = min(weeks, settings.week_of(d))
    return max(0, min(weeks, horizon))


def build_data(dataset: Dataset, deadline: date | None = None) -> ModelData:
    """Derive the arrays of the model. ``deadline`` overrides Settings.exit_deadline."""
    settings = dataset.settings
    H = settings.horizon_weeks
    deadline = deadline if deadline is not None else settings.exit_deadline
    terms = tuple(contract_terms(c, settings.plan_start, H) for c in dataset.contracts)
    contract_index = {c.contract_id: i for i, c in enumerate(dataset.contracts)}

    streams = dataset.streams
    stream_contract = np.array([contract_index[s.contract_id] for s in streams], dtype=np.int64)
    inc = np.array(
        [incumbent_weeks(terms[contract_index[s.contract_id]], dataset, s.exit_by, deadline, H)
         for s in streams],
        dtype=np.int64,
    )

    vendor_names = tuple(v.vendor for v in dataset.vendors)
    vendor_index = {name: i for i, name in enumerate(vendor_names)}
    offers: list[CapacityOffer] = []
    pair_stream: list[int] = []
    pair_offer: list[int] = []
    by_skill: dict[str, list[int]] = {}
    for si, s in enumerate(streams):
        by_skill.setdefault(s.skill_key, []).append(si)
    for offer in dataset.capacity:
        if offer.weekly_capacity <= 0 or offer.onboarding_weeks >= H:
            continue
        if offer.vendor not in vendor_index:
            continue
        eligible = [si for si in by_skill.get(offer.skill_key, ())
                    if dataset.is_eligible(streams[si], offer)]
        if not eligible:
            continue
        oi = len(offers)
        offers.append(offer)
        pair_stream += eligible
        pair_offer += [oi] * len(eligible)

    weeks = np.arange(H, dtype=np.float64)
    capacity = np.zeros((len(offers), H))
    for oi, offer in enumerate(offers):
        if offer.ramp_weeks == 0:
            ramp = (weeks >= offer.onboarding_weeks).astype(np.float64)
        else:
            ramp = np.clip((weeks - offer.onboarding_weeks + 1) / offer.ramp_weeks, 0.0, 1.0)
        capacity[oi] = offer.weekly_capacity * ramp

    p_offer = np.array(pair_offer, dtype=np.int64)
    p_stream = np.array(pair_stream, dtype=np.int64)
    price = np.array([o.unit_price for o in offers], dtype=np.float64)
    stream_class, link_class, link_offer = _classes(len(streams), p_stream, p_offer, price)
    onboarding = np.array([o.onboarding_weeks for o in offers], dtype=np.int64)
    return ModelData(
        dataset=dataset,
        H=H,
        terms=terms,
        stream_contract=stream_contract,
        volume=np.array([s.weekly_volume for s in streams], dtype=np.float64),
        stream_price=np.array([s.unit_price for s in streams], dtype=np.float64),
        cutover=np.array([s.cutover_weeks for s in streams], dtype=np.int64),
        inc_weeks=inc,
        offers=tuple(offers),
        offer_vendor=np.array([vendor_index[o.vendor] for o in offers], dtype=np.int64),
        offer_capacity=capacity,
        offer_price=np.array([o.unit_price for o in offers], dtype=np.float64),
        vendor_names=vendor_names,
        setup_fee=np.array([v.setup_fee for v in dataset.vendors], dtype=np.float64),
        max_share=np.array([v.max_share for v in dataset.vendors], dtype=np.float64),
        pair_stream=p_stream,
        pair_offer=p_offer,
        pair_start=onboarding[p_offer] if len(offers) else np.zeros(0, dtype=np.int64),
        stream_class=stream_class,
        link_class=link_class,
        link_offer=link_offer,
    )


def _no_ints() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def _classes(S: int, pair_stream: IntArray, pair_offer: IntArray, price: FloatArray
             ) -> tuple[IntArray, IntArray, IntArray]:
    """Group streams by their set of eligible offers (first-seen order): the class of
    each stream (-1 without any), and the (class, offer) links, cheapest offer first."""
    eligible: list[list[int]] = [[] for _ in range(S)]
    for s, o in zip(pair_stream.tolist(), pair_offer.tolist(), strict=True):
        eligible[s].append(o)
    key_class: dict[tuple[int, ...], int] = {}
    stream_class = np.full(S, -1, dtype=np.int64)
    link_class: list[int] = []
    link_offer: list[int] = []
    for s, offers in enumerate(eligible):
        if not offers:
            continue
        key = tuple(sorted(offers))
        k = key_class.get(key)
        if k is None:
            k = key_class[key] = len(key_class)
            ordered = sorted(key, key=lambda o: (float(price[o]), o))
            link_class += [k] * len(ordered)
            link_offer += ordered
        stream_class[s] = k
    return (stream_class, np.array(link_class, dtype=np.int64),
            np.array(link_offer, dtype=np.int64))
