// Package sandbug is the root of the sandbug module: a terminal debugger and runner that keeps
// C programs inside a seccomp sandbox. The code lives in the packages below this one.
package sandbug
