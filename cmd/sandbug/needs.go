package main

import (
	"github.com/sandbug/sandbug/examples"
	"github.com/sandbug/sandbug/internal/machine"
)

// probeNeed asks this machine for one of the features a demo may need (examples.Example.Needs).
var probeNeed = func(need string) machine.Feature {
	switch need {
	case "ia32":
		return machine.IA32()
	}
	return machine.Feature{Name: need, Present: true, Detail: "not probed"}
}

// missingNeeds returns the features ex needs that this machine lacks, with what the probe saw.
func missingNeeds(ex examples.Example) (names []string, seen []machine.Feature) {
	for _, n := range ex.Needs {
		if f := probeNeed(n); !f.Present {
			names = append(names, n)
			seen = append(seen, f)
		}
	}
	return names, seen
}
