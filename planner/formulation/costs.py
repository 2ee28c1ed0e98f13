"""Costs: the objective, total discounted system cost in million USD (base-year money).

  min  sum_{s,k,y} df[y] * capex_counted[s,k,y] * NEW[s,k,y]
     + sum_{moves} df[y] * retrofit_capex_counted * RETRO[s,r,c,y]
     + sum_{s,k,y} weight[y] * (fixed_om[s,k,y] * CAPTOT[s,k,y] + variable_om[s,k,y] * ACT[s,k,y])
     + sum_{m,y} weight[y] * price[m,y] * USE[m,y]
     + sum_{s,y} weight[y] * carbon_price[y] * CNT[s,y]   (counted emissions, see emissions.py)
     + sum_{p,a,b,y} weight[y] * transport_cost[p,a,b,y] * TRADE[p,a,b,y]   (formulation/trade.py)
     + penalties of soft (elastic) rows

capex_counted = capex * f is capex less the salvage value of the life left after the horizon
(annuity share f, see data.py), so a plant built late pays only for the years it serves inside
the horizon. Units: USD per t/yr x Mt/yr = million USD; USD/GJ x PJ = million USD.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.data import ModelData
from planner.formulation.stock import total_capacity
from planner.formulation.trade import trade_cost
from planner.index import ModelIndex


def add_objective(m: pyo.ConcreteModel, d: ModelData, ix: ModelIndex) -> None:
    """The discounted cost objective."""
    ty = d.tech_year
    capex = ty["capex_counted"].to_dict()
    fom = ty["fixed_om"].to_dict()
    vom = ty["variable_om"].to_dict()
    price = d.commodity_year["price"].to_dict()
    df, w = d.df, d.weight

    invest = sum(df[y] * capex[s, k, y] * m.CAP[s, k, c, y] for (s, k, y), c in ix.new.items() if capex[s, k, y])
    moves = d.retrofit_moves
    retro_capex = {(r.sector, r.retrofit, r.cohort, int(r.year)): r.capex_counted for r in moves.itertuples()}
    retro = sum(df[key[3]] * v * m.RETRO[key] for key, v in retro_capex.items() if v)
    operate = sum(w[y] * (fom[s, k, y] * total_capacity(m, ix, s, k, y) + vom[s, k, y] * m.ACT[s, k, y])
                  for (s, k, y) in ix.act if fom[s, k, y] or vom[s, k, y])
    buy = sum(w[y] * price[c, y] * m.USE[c, y] for (c, y) in m.USE.index_set() if price[c, y])
    carbon = sum(w[y] * d.carbon_price[y] * m.CNT[s, y] for (s, y) in m.EM.index_set() if d.carbon_price[y])
    move = trade_cost(m, d)
    m.cost = pyo.Objective(expr=invest + retro + operate + buy + carbon + move + m.elastic_terms, sense=pyo.minimize)
