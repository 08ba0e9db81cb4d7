package channelz

import (
	"crypto/tls"
	"net/netip"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/actorpc/actorpc/connactor"
	"github.com/actorpc/actorpc/rpc"
	pb "github.com/actorpc/actorpc/rpc/channelz/grpc_channelz_v1"
	"github.com/actorpc/actorpc/rpc/credentials"
)

// stamp is t as a Timestamp, nil when unset.
func stamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// state maps a connectivity state's name to channelz's enum.
func state(name string) *pb.ChannelConnectivityState {
	v, ok := pb.ChannelConnectivityState_State_value[name]
	if !ok {
		v = int32(pb.ChannelConnectivityState_UNKNOWN)
	}
	return &pb.ChannelConnectivityState{State: pb.ChannelConnectivityState_State(v)}
}

// address is a socket address as channelz spells it.
func address(network, addr string) *pb.Address {
	if addr == "" {
		return nil
	}
	if network == "unix" {
		return &pb.Address{Address: &pb.Address_UdsAddress_{UdsAddress: &pb.Address_UdsAddress{Filename: addr}}}
	}
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		ip := ap.Addr().Unmap()
		return &pb.Address{Address: &pb.Address_TcpipAddress{TcpipAddress: &pb.Address_TcpIpAddress{IpAddress: ip.AsSlice(), Port: int32(ap.Port())}}}
	}
	return &pb.Address{Address: &pb.Address_OtherAddress_{OtherAddress: &pb.Address_OtherAddress{Name: addr}}}
}

// security describes a TLS connection: its cipher suite and both
// certificates.
func security(st connactor.SocketStats) *pb.Security {
	info, ok := st.AuthInfo.(credentials.TLSInfo)
	if !ok {
		return nil
	}
	t := &pb.Security_Tls{CipherSuite: &pb.Security_Tls_StandardName{StandardName: tls.CipherSuiteName(info.State.CipherSuite)}}
	if len(info.State.PeerCertificates) > 0 {
		t.RemoteCertificate = info.State.PeerCertificates[0].Raw
	}
	return &pb.Security{Model: &pb.Security_Tls_{Tls: t}}
}

// socketData is a connection's SocketStats as channelz's SocketData.
func socketData(st connactor.SocketStats) *pb.SocketData {
	d := &pb.SocketData{
		StreamsStarted:                   st.StreamsStarted,
		StreamsSucceeded:                 st.StreamsSucceeded,
		StreamsFailed:                    st.StreamsFailed,
		MessagesSent:                     st.MessagesSent,
		MessagesReceived:                 st.MessagesReceived,
		KeepAlivesSent:                   st.KeepAlivesSent,
		LastLocalStreamCreatedTimestamp:  stamp(st.LastLocalStreamCreated),
		LastRemoteStreamCreatedTimestamp: stamp(st.LastRemoteStreamCreated),
		LastMessageSentTimestamp:         stamp(st.LastMessageSent),
		LastMessageReceivedTimestamp:     stamp(st.LastMessageReceived),
		RemoteFlowControlWindow:          wrapperspb.Int64(st.RemoteFlowControlWindow),
	}
	if st.LocalFlowControlWindow >= 0 {
		d.LocalFlowControlWindow = wrapperspb.Int64(st.LocalFlowControlWindow)
	}
	return d
}

func socketMsg(id int64, st connactor.SocketStats) *pb.Socket {
	return &pb.Socket{
		Ref:      socketRef(id, st),
		Data:     socketData(st),
		Local:    address(st.Network, st.LocalAddr),
		Remote:   address(st.Network, st.RemoteAddr),
		Security: security(st),
	}
}

func socketRef(id int64, st connactor.SocketStats) *pb.SocketRef {
	return &pb.SocketRef{SocketId: id, Name: st.LocalAddr + " -> " + st.RemoteAddr}
}

func listenSocketMsg(id int64, l rpc.ListenAddr) *pb.Socket {
	return &pb.Socket{Ref: &pb.SocketRef{SocketId: id, Name: l.Addr}, Data: &pb.SocketData{}, Local: address(l.Network, l.Addr)}
}

// callCounts sums a parent's kept totals and its live connections'.
func callCounts(ended rpc.CallCounts, live []connactor.SocketStats) rpc.CallCounts {
	c := ended
	for _, st := range live {
		c.AddSocket(st)
	}
	return c
}

// channelData is a channel's or subchannel's data.
func channelData(stateName, target string, c rpc.CallCounts) *pb.ChannelData {
	return &pb.ChannelData{
		State:                    state(stateName),
		Target:                   target,
		CallsStarted:             c.Started,
		CallsSucceeded:           c.Succeeded,
		CallsFailed:              c.Failed,
		LastCallStartedTimestamp: stamp(c.LastStarted),
	}
}
