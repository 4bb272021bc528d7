/** The coverage chart needs ECharts' mark line (the 8 % target), which the shared chart set leaves out. */
import { MarkLineComponent } from 'echarts/components'
import { echarts } from '../charts/echarts.ts'

echarts.use([MarkLineComponent])
