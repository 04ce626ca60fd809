module github.com/sandbug/sandbug/bench

go 1.26.7

require github.com/sandbug/sandbug v0.0.0

replace github.com/sandbug/sandbug => ../
