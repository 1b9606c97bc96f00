#!/usr/bin/env python3
"""Workflows for bench/build-cost.sh, written into the folder given as argv[1].

  chain_N.asl.json   N plain Pass states in a chain, for N in 10, 1000,
                     4000, 10000 (the 10,000-state one is about 440 KB, within
                     AWS's 1 MB definition limit); the shared workload
                     pass_chain_1000 is the chain whose states carry a
                     five-field Parameters and a ResultPath
  mixed_1000.asl.json
                     about 1,000 states of every kind, in repeated blocks:
                     a Task with Retry and Catch, a Choice, a Map with an
                     ItemSelector, a Parallel of two branches, a Wait, a
                     JSONata Pass, a Fail reached from the Catch
  path_100k.asl.json one Pass whose InputPath has 100,000 segments
"""
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def dump(name, definition):
    with open(os.path.join(out, name), "w") as f:
        json.dump(definition, f, indent=1)
        f.write("\n")


def chain(n):
    states = {}
    for i in range(n):
        state = {"Type": "Pass"}
        if i + 1 < n:
            state["Next"] = f"S{i + 1}"
        else:
            state["End"] = True
        states[f"S{i}"] = state
    return {"StartAt": "S0", "States": states}


def mixed(blocks):
    states = {}
    lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:Work"
    for b in range(blocks):
        nxt = f"Task{b + 1}" if b + 1 < blocks else "Done"
        states[f"Task{b}"] = {
            "Type": "Task",
            "Resource": lambda_arn,
            "Parameters": {"block": b, "items.$": "$.items"},
            "ResultPath": "$.task",
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"Failed{b}"}],
            "Next": f"Choose{b}",
        }
        states[f"Failed{b}"] = {"Type": "Fail", "Error": "Block.Failed", "CausePath": "$.error.Cause"}
        states[f"Choose{b}"] = {
            "Type": "Choice",
            "Choices": [
                {"And": [{"Variable": "$.count", "IsNumeric": True}, {"Variable": "$.count", "NumericGreaterThan": 1000}], "Next": f"Nap{b}"},
                {"Variable": "$.name", "StringMatches": "item*", "Next": f"Each{b}"},
            ],
            "Default": f"Each{b}",
        }
        states[f"Nap{b}"] = {"Type": "Wait", "Seconds": 0, "Next": f"Each{b}"}
        states[f"Each{b}"] = {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 4,
            "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Double",
                "States": {"Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($.value, $.value)"}, "End": True}},
            },
            "ResultPath": "$.mapped",
            "Next": f"Both{b}",
        }
        states[f"Both{b}"] = {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "l", "End": True}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": lambda_arn, "End": True}}},
            ],
            "ResultPath": "$.both",
            "Next": f"Sum{b}",
        }
        states[f"Sum{b}"] = {
            "Type": "Pass",
            "QueryLanguage": "JSONata",
            "Output": "{% $merge([$states.input, {'count': $states.input.count + 1, 'sum': $sum($states.input.items)}]) %}",
            "Next": nxt,
        }
    states["Done"] = {"Type": "Succeed"}
    return {"StartAt": "Task0", "States": states}


for n in (10, 1000, 4000, 10000):
    dump(f"chain_{n}.asl.json", chain(n))
# 8 states per block, plus Done: 125 blocks = 1,001 states.
dump("mixed_1000.asl.json", mixed(125))
dump(
    "path_100k.asl.json",
    {
        "StartAt": "Deep",
        "States": {"Deep": {"Type": "Pass", "InputPath": "$" + ".a" * 100_000, "End": True}},
    },
)
