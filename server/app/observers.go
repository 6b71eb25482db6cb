package app

import "github.com/yuechuang/yuechuang/server/domain"

// StartupObservers tells each of its observers of every change.
type StartupObservers []StartupObserver

func (os StartupObservers) StartupChanged(s *domain.Startup) {
	for _, o := range os {
		o.StartupChanged(s)
	}
}

func (os StartupObservers) StartupRemoved(id string) {
	for _, o := range os {
		o.StartupRemoved(id)
	}
}

// InvestorObservers tells each of its observers of every change.
type InvestorObservers []InvestorObserver

func (os InvestorObservers) InvestorChanged(inv *domain.Investor) {
	for _, o := range os {
		o.InvestorChanged(inv)
	}
}
