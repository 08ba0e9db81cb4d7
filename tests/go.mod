module github.com/actorpc/actorpc/tests

go 1.26.0

replace github.com/actorpc/actorpc => ../
