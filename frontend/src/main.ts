import { createApp } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import App from './App.vue'
import Home from './views/Home.vue'
import Login from './views/Login.vue'
import DealFlow from './views/DealFlow.vue'
import Search from './views/Search.vue'
import Roadshows from './views/Roadshows.vue'
import RoadshowDetail from './views/RoadshowDetail.vue'
import Room from './views/Room.vue'
import StartupDetail from './views/StartupDetail.vue'
import Spaces from './views/Spaces.vue'
import SpaceDetail from './views/SpaceDetail.vue'
import MyStartups from './views/MyStartups.vue'
import MySpace from './views/MySpace.vue'
import Admin from './views/Admin.vue'
import Investor from './views/Investor.vue'
import InvestorDetail from './views/InvestorDetail.vue'
import Intros from './views/Intros.vue'
import Notifications from './views/Notifications.vue'
import Account from './views/Account.vue'
import NotFound from './views/NotFound.vue'
import { i18n } from './i18n'
import './style.css'

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: Home },
    { path: '/login', component: Login },
    { path: '/reset', component: () => import('./views/Reset.vue') },
    { path: '/dealflow', component: DealFlow },
    { path: '/search', component: Search },
    { path: '/startups/:id', component: StartupDetail },
    { path: '/investors/:id', component: InvestorDetail },
    { path: '/spaces', component: Spaces },
    { path: '/spaces/:id', component: SpaceDetail },
    { path: '/roadshows', component: Roadshows },
    { path: '/roadshows/:id', component: RoadshowDetail },
    { path: '/roadshows/:id/live', component: Room },
    { path: '/me/startups', component: MyStartups },
    { path: '/me/space', component: MySpace },
    { path: '/me/investor', component: Investor },
    { path: '/me/intros', component: Intros },
    { path: '/notifications', component: Notifications },
    { path: '/account', component: Account },
    { path: '/admin', component: Admin },
    { path: '/mentors', component: () => import('./views/Mentors.vue') },
    { path: '/me/mentor', component: () => import('./views/Mentor.vue') },
    { path: '/services', component: () => import('./views/Services.vue') },
    { path: '/me/provider', component: () => import('./views/Provider.vue') },
    { path: '/ledger', component: () => import('./views/Ledger.vue') },
    { path: '/dashboard', component: () => import('./views/Dashboard.vue') }, // ECharts loads only here
    { path: '/:rest(.*)*', component: NotFound },
  ],
})

// The app shows at once; App.vue restores the session meanwhile (with a
// loading sign where the page will be).
createApp(App).use(router).use(i18n).mount('#app')
