package main

import (
	"context"
	"io"
	"time"

	"google.golang.org/protobuf/proto"

	pb "github.com/actorpc/actorpc/examples/route_guide/routeguide"
)

// routeGuideServer implements pb.RouteGuideServer. features is read-only
// once the server starts, so every call may read it; the notes are not,
// so calls ask their keeper for them.
type routeGuideServer struct {
	pb.UnimplementedRouteGuideServer
	features []*pb.Feature
	notes    *notesKeeper
}

// GetFeature returns the feature at a point, or one with no name.
func (s *routeGuideServer) GetFeature(_ context.Context, point *pb.Point) (*pb.Feature, error) {
	for _, f := range s.features {
		if proto.Equal(f.Location, point) {
			return f, nil
		}
	}
	return &pb.Feature{Location: point}, nil
}

// ListFeatures streams every named feature inside rect.
func (s *routeGuideServer) ListFeatures(rect *pb.Rectangle, stream pb.RouteGuide_ListFeaturesServer) error {
	for _, f := range s.features {
		if f.GetName() != "" && inRange(f.Location, rect) {
			if err := stream.Send(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// RecordRoute sums up the points the client streams until it half-closes.
func (s *routeGuideServer) RecordRoute(stream pb.RouteGuide_RecordRouteServer) error {
	var pointCount, featureCount, distance int32
	var last *pb.Point
	start := time.Now()
	for {
		point, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&pb.RouteSummary{
				PointCount:   pointCount,
				FeatureCount: featureCount,
				Distance:     distance,
				ElapsedTime:  int32(time.Since(start).Seconds()),
			})
		}
		if err != nil {
			return err
		}
		pointCount++
		for _, f := range s.features {
			if f.GetName() != "" && proto.Equal(f.Location, point) {
				featureCount++
			}
		}
		if last != nil {
			distance += calcDistance(last, point)
		}
		last = point
	}
}

// RouteChat answers each note with the notes left at its point so far.
func (s *routeGuideServer) RouteChat(stream pb.RouteGuide_RouteChatServer) error {
	for {
		in, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		notes, err := s.notes.add(stream.Context(), in)
		if err != nil {
			return err
		}
		for _, note := range notes {
			if err := stream.Send(note); err != nil {
				return err
			}
		}
	}
}
