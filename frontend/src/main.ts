import { createApp } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import App from './App.vue'
import Home from './views/Home.vue'
import Login from './views/Login.vue'
import DealFlow from './views/DealFlow.vue'
import Search from './views/Search.vue'
import Roadshows from './views/Roadshows.vue'
import Room from './views/Room.vue'
import MyStartups from './views/MyStartups.vue'
import Admin from './views/Admin.vue'
import Investor from './views/Investor.vue'
import { restore } from './api'
import './style.css'

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: Home },
    { path: '/login', component: Login },
    { path: '/dealflow', component: DealFlow },
    { path: '/search', component: Search },
    { path: '/roadshows', component: Roadshows },
    { path: '/roadshows/:id/live', component: Room },
    { path: '/me/startups', component: MyStartups },
    { path: '/admin', component: Admin },
    { path: '/me/investor', component: Investor },
    { path: '/dashboard', component: () => import('./views/Dashboard.vue') }, // ECharts loads only here
  ],
})

restore().finally(() => createApp(App).use(router).mount('#app'))
