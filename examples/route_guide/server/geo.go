package main

import (
	"math"

	pb "github.com/actorpc/actorpc/examples/route_guide/routeguide"
)

// e7 is the factor between degrees and the E7 integers points carry.
const e7 = 1e7

// earthRadius is the mean radius of the Earth in metres.
const earthRadius = 6371000

// inRange reports whether p lies in rect, whichever corners rect names.
func inRange(p *pb.Point, rect *pb.Rectangle) bool {
	lo, hi := rect.GetLo(), rect.GetHi()
	left := min(lo.GetLongitude(), hi.GetLongitude())
	right := max(lo.GetLongitude(), hi.GetLongitude())
	bottom := min(lo.GetLatitude(), hi.GetLatitude())
	top := max(lo.GetLatitude(), hi.GetLatitude())
	return p.GetLongitude() >= left && p.GetLongitude() <= right &&
		p.GetLatitude() >= bottom && p.GetLatitude() <= top
}

// calcDistance is the great-circle distance between two points in metres
// (the haversine formula).
func calcDistance(p1, p2 *pb.Point) int32 {
	rad := func(e7deg int32) float64 { return float64(e7deg) / e7 * math.Pi / 180 }
	lat1, lat2 := rad(p1.GetLatitude()), rad(p2.GetLatitude())
	dLat := lat2 - lat1
	dLng := rad(p2.GetLongitude()) - rad(p1.GetLongitude())
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return int32(earthRadius * 2 * math.Atan2(math.Sqrt(a), math.Sqrt(1-a)))
}
